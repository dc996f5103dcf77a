import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ActionError } from '@workgym/protocol';
import { describeType, FileTooLargeError, NotRegularFileError, readRegularFile, rewriteRegularFile, writeRegularFile } from './regular-file.js';
import type { Sandbox } from './sandbox.js';
import { readNames } from './tree.js';

const MAX_READ_BYTES = 10 * 1024 * 1024;
const MAX_SHOWN_LINES = 2_000;
const MAX_SHOWN_BYTES = 64 * 1024;
const MAX_LISTED = 500;
/** Entries one list_files looks at (names read and lstat-ed): a bound on its work. */
const MAX_VISITED = 10_000;

/** What a file tool shows the model, and the size of what it stood for before any cut. */
export interface ToolText {
  text: string;
  rawSize: number;
}

/**
 * The file tools. Every file system call runs with the agent's own uid (Sandbox.as), so a path
 * the agent may not touch fails in the kernel; the path checks here only make the error clear.
 * Files are opened only if they are regular files (no FIFO, socket or device is ever opened,
 * so no call can block), with a size cap, and trees are walked without recursion, with limits.
 */
export class WorkspaceFiles {
  private realRoot: string | undefined;

  constructor(private readonly sandbox: Sandbox) {}

  private get root(): string {
    this.realRoot ??= this.sandbox.as('agent', () => realpathSync(this.sandbox.layout.workspace));
    return this.realRoot;
  }

  /**
   * Where a workspace path really leads (links followed, so a link to a file inside the
   * workspace works); out_of_bounds when that is outside the workspace. Nothing of the agent
   * runs while a file tool does (a command's processes die with it), so the answer holds
   * until the file is opened, and that open never follows a final link anyway.
   */
  resolve(path: string): string {
    if (path.includes('\0')) throw new ActionError('invalid_arguments', 'the path contains a NUL byte');
    const full = resolve(this.root, path);
    if (!inside(this.root, full)) {
      throw new ActionError('out_of_bounds', `${path} is outside the workspace (${this.displayRoot}); use a path inside it`);
    }
    const real = this.sandbox.as('agent', () => realLocation(full, this.root));
    if (real === undefined) return full;
    if (!inside(this.root, real)) throw new ActionError('out_of_bounds', `${path} leads outside the workspace through a symbolic link`);
    return real;
  }

  get displayRoot(): string {
    return this.sandbox.isolated ? this.sandbox.layout.workspace : 'the workspace';
  }

  /** A path as the model should see it: relative to the workspace. */
  display(full: string): string {
    return relative(this.root, full) || '.';
  }

  read(path: string, startLine?: number, endLine?: number): ToolText {
    const full = this.resolve(path);
    const data = this.sandbox.as('agent', () => fsCall(path, 'read_file', () => readRegularFile(full, MAX_READ_BYTES)));
    if (data.includes(0)) return { text: `${path}: binary file of ${data.length} bytes`, rawSize: data.length };
    const lines = data.toString('utf8').split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const total = lines.length;
    const first = Math.max(1, startLine ?? 1);
    const last = Math.min(total, endLine ?? total);
    if (total > 0 && first > total) throw new ActionError('invalid_arguments', `${path} has ${total} lines; start_line ${first} is past its end`);
    if (last < first && total > 0) throw new ActionError('invalid_arguments', `end_line ${last} is before start_line ${first}`);
    const selected = lines.slice(first - 1, last);
    const rawSize = Buffer.byteLength(selected.join('\n'));
    let shown = selected.slice(0, MAX_SHOWN_LINES);
    let body = shown.join('\n');
    if (Buffer.byteLength(body) > MAX_SHOWN_BYTES) {
      body = Buffer.from(body).subarray(0, MAX_SHOWN_BYTES).toString('utf8');
      shown = body.split('\n');
    }
    const shownLast = first + shown.length - 1;
    const header = total === 0 ? `${path} (empty file)` : `${path} (lines ${first}-${shownLast} of ${total})`;
    const more = shownLast < last ? `\n[... cut at line ${shownLast}; read on with start_line=${shownLast + 1} ...]` : '';
    return { text: `${header}\n${body}${more}`, rawSize };
  }

  /** The text of a regular workspace file, or undefined when there is none (the expert compares with it). */
  content(path: string): string | undefined {
    try {
      const full = this.resolve(path);
      return this.sandbox.as('agent', () => readRegularFile(full, MAX_READ_BYTES).toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** The permission bits of a workspace path (not following a link), or undefined when there is nothing there. */
  mode(path: string): number | undefined {
    try {
      const full = this.resolve(path);
      return this.sandbox.as('agent', () => lstatSync(full).mode & 0o7777);
    } catch {
      return undefined;
    }
  }

  write(path: string, content: string): string {
    const full = this.resolve(path);
    this.sandbox.as('agent', () =>
      fsCall(path, 'write_file', () => {
        mkdirSync(dirname(full), { recursive: true });
        writeRegularFile(full, content);
      }),
    );
    return `wrote ${Buffer.byteLength(content)} bytes to ${this.display(full)}`;
  }

  edit(path: string, old: string, replacement: string): string {
    const full = this.resolve(path);
    return this.sandbox.as('agent', () =>
      fsCall(path, 'edit_file', () =>
        rewriteRegularFile(full, MAX_READ_BYTES, (data) => {
          const text = data.toString('utf8');
          const at = text.indexOf(old);
          if (at < 0)
            throw new ActionError('invalid_arguments', `the old text does not occur in ${path}; read the file and copy the text exactly (whitespace included)`);
          const count = text.split(old).length - 1;
          if (count > 1)
            throw new ActionError('invalid_arguments', `the old text occurs ${count} times in ${path}; include more surrounding text so it occurs once`);
          const line = text.slice(0, at).split('\n').length;
          return {
            content: text.slice(0, at) + replacement + text.slice(at + old.length),
            result: `edited ${this.display(full)}: replaced ${old.split('\n').length} line(s) at line ${line}`,
          };
        }),
      ),
    );
  }

  list(path = '.', depth = 2): ToolText {
    const full = this.resolve(path);
    return this.sandbox.as('agent', () => {
      const stat = fsCall(path, 'list_files', () => lstatSync(full));
      if (!stat.isDirectory()) return { text: `${this.display(full)} (${describeEntry(stat)})`, rawSize: stat.size };
      const entries: string[] = [];
      let seen = 0;
      let stopped = false;
      // Depth-first, in name order, with an explicit stack: a tree of any depth costs no call stack.
      const pending: { path: string; level: number }[] = [];
      const expand = (dir: string, level: number) => {
        // Never queue more names than the entries still allowed to be looked at.
        const room = MAX_VISITED - seen - pending.length;
        const names = readNames(dir, room + 1);
        if (names !== undefined && names.length > room) {
          stopped = true;
          names.length = room;
        }
        if (names === undefined) {
          if (entries.length < MAX_LISTED) entries.push(`${this.display(dir)}/ (unreadable)`);
          return;
        }
        for (let i = names.length - 1; i >= 0; i--) pending.push({ path: join(dir, names[i]!), level });
      };
      expand(full, 1);
      while (pending.length > 0) {
        const { path: child, level } = pending.pop()!;
        let info: Stats;
        try {
          info = lstatSync(child);
        } catch {
          continue;
        }
        seen += 1;
        const shown = this.display(child);
        if (info.isDirectory()) {
          // .git holds thousands of objects the model never needs listed.
          const git = basename(child) === '.git';
          if (entries.length < MAX_LISTED) entries.push(`${shown}/${git ? ' (git metadata)' : ''}`);
          if (!git && level < depth) expand(child, level + 1);
        } else if (entries.length < MAX_LISTED) {
          entries.push(`${shown} (${describeEntry(info)})`);
        }
      }
      const hidden = seen - entries.length;
      const more = stopped
        ? `\n[... listing stopped at ${MAX_VISITED.toLocaleString('en-US')} entries, ${hidden} of them not shown; list a subdirectory or use bash ...]`
        : hidden > 0
          ? `\n[... ${hidden} more entries not shown ...]`
          : '';
      const text = entries.length === 0 ? `${this.display(full)} is empty` : entries.join('\n') + more;
      return { text, rawSize: Buffer.byteLength(text) };
    });
  }
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of `full`: its longest existing ancestor resolved, the missing rest appended. */
function realLocation(full: string, root: string): string | undefined {
  let existing = full;
  const missing: string[] = [];
  while (existing !== root && !lexists(existing)) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  try {
    return join(realpathSync(existing), ...missing);
  } catch {
    return undefined; // a dangling link or a loop: the open that follows reports it
  }
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function describeEntry(stat: Stats): string {
  return stat.isFile() ? `${stat.size} bytes` : describeType(stat);
}

/** Runs a file system call, turning its errors into the ActionError the model should see. */
function fsCall<T>(path: string, tool: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toActionError(path, tool, error);
  }
}

function toActionError(path: string, tool: string, error: unknown): ActionError {
  if (error instanceof ActionError) return error;
  if (error instanceof NotRegularFileError) {
    if (error.what === 'directory') return new ActionError('invalid_arguments', `${path} is a directory${tool === 'read_file' ? '; use list_files' : ''}`);
    return new ActionError('invalid_arguments', `${path} is not a regular file (it is a ${error.what}); ${tool} works only on regular files`);
  }
  if (error instanceof FileTooLargeError) {
    return new ActionError(
      'invalid_arguments',
      `${path} has ${error.size} bytes, more than ${tool} handles (${MAX_READ_BYTES}); use bash (head, grep, sed -n)`,
    );
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ActionError('not_found', `${path} does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return new ActionError('failed', `permission denied: ${path}`);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new ActionError('failed', `no space left in the workspace while writing ${path}`);
  if (code === 'EISDIR') return new ActionError('invalid_arguments', `${path} is a directory`);
  if (code === 'ENAMETOOLONG') return new ActionError('invalid_arguments', `${path} is too long a path`);
  return new ActionError('failed', `${path}: ${(error as Error).message}`);
}
