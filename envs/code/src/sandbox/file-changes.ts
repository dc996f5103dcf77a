import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { StateChange } from '@workgym/protocol/kit';
import { readRegularFile } from './regular-file.js';
import type { Sandbox } from './sandbox.js';

/** Bytes of a text file shown whole in a recorded change (a person diffs it); a bigger one keeps its hash. */
export const MAX_SHOWN_TEXT = 64 * 1024;
const FILE_KEY = 'file:';
/** A regular file's snapshot value with its content hashed (`workspaceSnapshot`): mode and sha256. */
const HASHED_FILE = /^file [0-7]{4} sha256:([0-9a-f]{64})$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Workspace changes as a person reads them: where a regular file's content changed (or the file
 * was added or removed), its text at each end replaces the hash, for text files of at most
 * `MAX_SHOWN_TEXT` bytes (UTF-8, no NUL). The start's text is the task's file as the reset
 * wrote it (`startFiles`), the end's is read now as the agent, never through a link; either is
 * shown only when its sha256 is the one the snapshot took, so what is shown is what was judged.
 * Everything else (a mode change alone, a directory, a link, a big or binary file) keeps its
 * canonical value.
 */
export function presentFileChanges(changes: StateChange[], startFiles: Readonly<Record<string, string>>, sandbox: Sandbox): StateChange[] {
  return changes.map((change) => {
    if (!change.key.startsWith(FILE_KEY)) return change;
    const before = hashOf(change.before);
    const after = hashOf(change.after);
    if (before === after) return change;
    const path = change.key.slice(FILE_KEY.length);
    const was = before === undefined ? undefined : textWithHash(startText(startFiles, path), before);
    const now = after === undefined ? undefined : textWithHash(readAsAgent(sandbox, path), after);
    return { ...change, ...(was !== undefined ? { before: was } : {}), ...(now !== undefined ? { after: now } : {}) };
  });
}

function hashOf(value: string | undefined): string | undefined {
  return value === undefined ? undefined : HASHED_FILE.exec(value)?.[1];
}

function startText(files: Readonly<Record<string, string>>, path: string): Buffer | undefined {
  return Object.hasOwn(files, path) ? Buffer.from(files[path]!) : undefined;
}

/** The file's bytes, read with the agent's rights (nothing it could not read itself), capped; undefined when it cannot be read so. */
function readAsAgent(sandbox: Sandbox, path: string): Buffer | undefined {
  try {
    return sandbox.as('agent', () => readRegularFile(join(sandbox.layout.workspace, path), MAX_SHOWN_TEXT));
  } catch {
    return undefined; // a link, a FIFO, too big, closed to the agent: the hash stays
  }
}

/** The bytes as text, when they are the content hashed as `sha256` and show as text. */
function textWithHash(bytes: Buffer | undefined, sha256: string): string | undefined {
  if (!bytes || bytes.length > MAX_SHOWN_TEXT || bytes.includes(0)) return undefined;
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
