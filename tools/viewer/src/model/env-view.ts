import { createTwoFilesPatch } from 'diff';
import type { CellValue, EnvView, StateChangeView } from './api.js';

/**
 * The end state as a person reads it, from the record's state changes: a code workspace's
 * files as diffs, a spreadsheet's cells before and after, any other env's records as they are.
 * Keys and values are the protocol's (workgym.proto, STATE CHANGES): `file:<path>`,
 * `cell:<Sheet>!<A1>` -> {"format"?, "formula"?, "value"}, `site:<site>/<list>/<id>`; a
 * composite env prefixes `<app>/`.
 */
export function envViewOf(record: object): EnvView {
  const r = record as { env?: string | null; stateChanges?: LooseChange[] | null };
  const changes = (r.stateChanges ?? []).map(changeView);
  if (r.env === 'code') return { kind: 'code', files: changes.filter((c) => c.key.startsWith('file:')).map(fileView) };
  if (r.env === 'spreadsheet') {
    return { kind: 'spreadsheet', cells: changes.filter(isCell).map(cellView), other: changes.filter((c) => !isCell(c)) };
  }
  if (r.env === 'browser') return { kind: 'browser', changes };
  return { kind: 'records', changes };
}

interface LooseChange {
  key?: string | null;
  before?: string | null;
  after?: string | null;
  truncated?: boolean | null;
}

function changeView(c: LooseChange): StateChangeView {
  return {
    key: c.key ?? '',
    ...(typeof c.before === 'string' ? { before: c.before } : {}),
    ...(typeof c.after === 'string' ? { after: c.after } : {}),
    ...(c.truncated ? { truncated: true } : {}),
  };
}

/** The canonical values of what the code env cannot show as text: a binary or big file, a directory, a link. */
const NOT_TEXT = /^(file [0-7]+ sha256:[0-9a-f]{64}|directory [0-7]+|symlink -> .*)$/s;

function fileView(c: StateChangeView): Extract<EnvView, { kind: 'code' }>['files'][number] {
  const path = c.key.slice('file:'.length);
  const status = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed';
  const truncated = c.truncated ? { truncated: true } : {};
  if ([c.before, c.after].some((v) => v !== undefined && NOT_TEXT.test(v))) {
    return { path, status, diff: '', binary: true, note: `${c.before ?? '(none)'} → ${c.after ?? '(none)'}`, ...truncated };
  }
  const diff = createTwoFilesPatch(`a/${path}`, `b/${path}`, c.before ?? '', c.after ?? '', undefined, undefined, { context: 3 });
  return { path, status, diff, binary: false, ...truncated };
}

const isCell = (c: StateChangeView) => c.key.startsWith('cell:');

function cellView(c: StateChangeView): Extract<EnvView, { kind: 'spreadsheet' }>['cells'][number] {
  const ref = c.key.slice('cell:'.length);
  const bang = ref.lastIndexOf('!');
  const sheet = bang >= 0 ? unquoteSheet(ref.slice(0, bang)) : '';
  const cell = { sheet, cell: bang >= 0 ? ref.slice(bang + 1) : ref, ...(c.truncated ? { truncated: true } : {}) };
  return {
    ...cell,
    ...(c.before !== undefined ? { before: c.before, was: cellValue(c.before) } : {}),
    ...(c.after !== undefined ? { after: c.after, now: cellValue(c.after) } : {}),
  };
}

/** A sheet name as a formula quotes it (`'Q3 plan'`, `'It''s'`), unquoted. */
function unquoteSheet(name: string): string {
  return name.length >= 2 && name.startsWith("'") && name.endsWith("'") ? name.slice(1, -1).replaceAll("''", "'") : name;
}

/** The kit's cell JSON read; a value that is not that JSON (cut by the cap, an older env) is shown as the value. */
function cellValue(text: string): CellValue {
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const { value, formula, format } = json as Record<string, unknown>;
      return {
        ...(value !== undefined && value !== null ? { value: asText(value) } : {}),
        ...(typeof formula === 'string' ? { formula } : {}),
        ...(format !== undefined && format !== null ? { format: asText(format) } : {}),
      };
    }
  } catch {
    // Not JSON: shown as it is.
  }
  return { value: text };
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
