import { useState } from 'preact/hooks';

/** Text past this many characters is shown on request: a megabyte-long observation stays one click away, not in every page's layout. */
const SHOWN = 20_000;

/** Untrusted text, shown as text (a text node), preformatted. */
export function LongText({ text, class: className = 'text' }: { text: string; class?: string }) {
  const [all, setAll] = useState(false);
  if (all || text.length <= SHOWN) return <pre class={className}>{text}</pre>;
  return (
    <div>
      <pre class={className}>{text.slice(0, SHOWN)}</pre>
      <button type="button" onClick={() => setAll(true)}>
        Show all {text.length.toLocaleString('en')} characters
      </button>
    </div>
  );
}
