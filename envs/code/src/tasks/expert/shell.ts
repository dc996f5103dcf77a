// Shell command lines the experts type: quoting, here-documents and sed one-liners.

/** `text` as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A command that makes `path` hold exactly `content`: a quoted here-document when the content
 * ends with a newline (as a here-document always does), printf otherwise.
 */
export function writeCommand(path: string, content: string): string {
  if (!content.endsWith('\n')) return `printf '%s' ${shellQuote(content)} > ${path}`;
  const lines = content.slice(0, -1).split('\n');
  let delimiter = 'EOF';
  for (let n = 1; lines.includes(delimiter); n += 1) delimiter = `EOF${n}`;
  return `cat > ${path} <<'${delimiter}'\n${content}${delimiter}`;
}

/** A sed command that replaces line `line` of `path` by `text` (one line). */
export function sedLineCommand(path: string, line: number, text: string): string {
  const replacement = text.replace(/[\\&/]/g, (c) => `\\${c}`);
  return `sed -i ${shellQuote(`${line}s/.*/${replacement}/`)} ${path}`;
}

/** What a bash step printed on stdout (formatted as the session shows it), or undefined. */
export function shownStdout(output: string | undefined): string | undefined {
  if (output === undefined || !/^exit code 0 /.test(output)) return undefined;
  const header = /\n--- stdout[^\n]* ---\n/.exec(output);
  if (!header) return '';
  const body = output.slice(header.index + header[0].length);
  const end = body.indexOf('\n--- stderr');
  return end < 0 ? body : body.slice(0, end);
}
