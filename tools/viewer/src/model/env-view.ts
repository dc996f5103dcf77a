import { createTwoFilesPatch } from 'diff';
import type { EnvView, StateChangeView } from './api.js';

/**
 * The end state as a person reads it, from the record's state changes: a code workspace's
 * files as diffs, a spreadsheet's cells before and after, any other env's records as they are.
 * Key formats are the env kit's (envs/protocol/src/kit/state.ts): `file:<path>`,
 * `cell:<Sheet>!<A1>`, `site:<site>/<table>/<id>`; a composite env prefixes `<part>/`.
 */
export function envViewOf(record: object): EnvView {
  const r = record as { env?: string | null; stateChanges?: LooseChange[] | null };
  const changes = (r.stateChanges ?? []).map(changeView);
  if (r.env === 'code') return { kind: 'code', files: changes.filter((c) => c.key.startsWith('file:')).map(fileView) };
  if (r.env === 'spreadsheet') return { kind: 'spreadsheet', cells: changes.filter((c) => c.key.startsWith('cell:')).map(cellView) };
  if (r.env === 'browser') return { kind: 'browser', changes };
  return { kind: 'records', changes };
}

interface LooseChange {
  key?: string | null;
  before?: string | null;
  after?: string | null;
}

function changeView(c: LooseChange): StateChangeView {
  return {
    key: c.key ?? '',
    ...(typeof c.before === 'string' ? { before: c.before } : {}),
    ...(typeof c.after === 'string' ? { after: c.after } : {}),
  };
}

/** The kit's canonical value of a file it could not show as text (binary, too big): `file <mode> sha256:<hex>`. */
const CANONICAL_FILE = /^file [0-7]+ sha256:[0-9a-f]{64}$/;

function fileView(c: StateChangeView): Extract<EnvView, { kind: 'code' }>['files'][number] {
  const path = c.key.slice('file:'.length);
  const status = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed';
  const binary = [c.before, c.after].some((v) => v !== undefined && CANONICAL_FILE.test(v));
  const diff = binary ? '' : createTwoFilesPatch(`a/${path}`, `b/${path}`, c.before ?? '', c.after ?? '', undefined, undefined, { context: 3 });
  return { path, status, diff, binary };
}

function cellView(c: StateChangeView): Extract<EnvView, { kind: 'spreadsheet' }>['cells'][number] {
  const ref = c.key.slice('cell:'.length);
  const bang = ref.lastIndexOf('!');
  return {
    sheet: bang >= 0 ? ref.slice(0, bang) : '',
    cell: bang >= 0 ? ref.slice(bang + 1) : ref,
    ...(c.before !== undefined ? { before: c.before } : {}),
    ...(c.after !== undefined ? { after: c.after } : {}),
  };
}
