/**
 * A CSV as `workgym train` writes it (header line, comma-separated, no quoted commas in its
 * figures) as columns by header name: numbers where a cell reads as one, else the text.
 */
export function csvColumns(text: string): Record<string, (number | string)[]> {
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (header === undefined) return {};
  const names = splitCsvLine(header);
  const columns: Record<string, (number | string)[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) {
    const cells = splitCsvLine(line);
    names.forEach((name, i) => {
      const cell = cells[i] ?? '';
      const value = cell.trim() === '' ? NaN : Number(cell);
      columns[name]!.push(Number.isFinite(value) ? value : cell);
    });
  }
  return columns;
}

/** One CSV line into cells; a cell may be double-quoted ("" inside is a quote). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
