/** A unified diff, each line coloured by what it is (CSS classes, no markup from the data). */
export function DiffView({ diff }: { diff: string }) {
  // The patch's own header (`Index:`, a rule of `=`) repeats the path the file's heading shows.
  const lines = diff.split('\n').filter((line, i, all) => !/^(Index: |={20,}$)/.test(line) && !(line === '' && i === all.length - 1));
  return (
    <pre class="diff">
      {lines.map((line, i) => (
        <span key={i} class={lineClass(line)}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff-file';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return 'diff-same';
}
