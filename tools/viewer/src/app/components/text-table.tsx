/** A table of text: one header cell per column, each body cell the text `cell(row, header)` gives. */
export function TextTable({
  headers,
  rows,
  cell,
  caption,
  class: className,
}: {
  headers: string[];
  rows: number;
  cell: (row: number, header: string) => string;
  caption?: string;
  class?: string;
}) {
  return (
    <table class={className}>
      {caption !== undefined && <caption>{caption}</caption>}
      <thead>
        <tr>
          {headers.map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: rows }, (_, r) => (
          <tr key={r}>
            {headers.map((h) => (
              <td key={h}>{cell(r, h)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
