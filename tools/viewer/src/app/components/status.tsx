import type { Loaded } from '../hooks.js';

/** Loading and error states of a page's data, announced to assistive technology. */
export function Pending({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.state === 'error')
    return (
      <p role="alert" class="error">
        Could not load {what}: {loaded.error}
      </p>
    );
  return (
    <p role="status" class="loading">
      Loading {what}…
    </p>
  );
}
