import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ActionError } from '@workgym/protocol';
import type { Sandbox } from './sandbox.js';

const MAX_READ_BYTES = 10 * 1024 * 1024;
const MAX_SHOWN_LINES = 2_000;
const MAX_SHOWN_BYTES = 64 * 1024;
const MAX_LISTED = 500;

/** What a file tool shows the model, and the size of what it stood for before any cut. */
export interface ToolText {
  text: string;
  rawSize: number;
}

/**
 * The file tools. Every file system call runs with the agent's own uid (Sandbox.as), so a path
 * the agent may not touch fails in the kernel; the path checks here only make the error clear.
 */
export class WorkspaceFiles {
  constructor(private readonly sandbox: Sandbox) {}

  private get root(): string {
    return this.sandbox.layout.workspace;
  }

  /** The absolute path of a workspace path; out_of_bounds when it leaves the workspace. */
  resolve(path: string): string {
    if (path.includes('\0')) throw new ActionError('invalid_arguments', 'the path contains a NUL byte');
    const full = resolve(this.root, path);
    if (!inside(this.root, full)) {
      throw new ActionError('out_of_bounds', `${path} is outside the workspace (${this.displayRoot}); use a path inside it`);
    }
    // A symlink inside the workspace may point out of it: check where the existing part leads.
    const real = this.sandbox.as('agent', () => {
      let existing = full;
      while (!existsSync(existing) && existing !== this.root) existing = dirname(existing);
      try {
        return { path: realpathSync(existing), root: realpathSync(this.root) };
      } catch {
        return undefined;
      }
    });
    if (real && !inside(real.root, real.path)) {
      throw new ActionError('out_of_bounds', `${path} leads outside the workspace through a symbolic link`);
    }
    return full;
  }

  get displayRoot(): string {
    return this.sandbox.isolated ? this.root : 'the workspace';
  }

  /** A path as the model should see it: relative to the workspace. */
  display(full: string): string {
    return relative(this.root, full) || '.';
  }

  read(path: string, startLine?: number, endLine?: number): ToolText {
    const full = this.resolve(path);
    return this.sandbox.as('agent', () => {
      const stat = fsCall(path, () => statSync(full));
      if (stat.isDirectory()) throw new ActionError('invalid_arguments', `${path} is a directory; use list_files`);
      if (stat.size > MAX_READ_BYTES) {
        throw new ActionError('invalid_arguments', `${path} has ${stat.size} bytes, more than read_file shows (${MAX_READ_BYTES}); use bash (head, grep, sed -n)`);
      }
      const data = fsCall(path, () => readFileSync(full));
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
    });
  }

  write(path: string, content: string): string {
    const full = this.resolve(path);
    this.sandbox.as('agent', () => {
      fsCall(path, () => {
        if (existsSync(full) && lstatSync(full).isDirectory()) throw new ActionError('invalid_arguments', `${path} is a directory`);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      });
    });
    return `wrote ${Buffer.byteLength(content)} bytes to ${this.display(full)}`;
  }

  edit(path: string, old: string, replacement: string): string {
    const full = this.resolve(path);
    return this.sandbox.as('agent', () => {
      const stat = fsCall(path, () => statSync(full));
      if (stat.isDirectory()) throw new ActionError('invalid_arguments', `${path} is a directory`);
      const text = fsCall(path, () => readFileSync(full, 'utf8'));
      const at = text.indexOf(old);
      if (at < 0) throw new ActionError('invalid_arguments', `the old text does not occur in ${path}; read the file and copy the text exactly (whitespace included)`);
      const count = text.split(old).length - 1;
      if (count > 1) throw new ActionError('invalid_arguments', `the old text occurs ${count} times in ${path}; include more surrounding text so it occurs once`);
      fsCall(path, () => writeFileSync(full, text.slice(0, at) + replacement + text.slice(at + old.length)));
      const line = text.slice(0, at).split('\n').length;
      return `edited ${this.display(full)}: replaced ${old.split('\n').length} line(s) at line ${line}`;
    });
  }

  list(path = '.', depth = 2): ToolText {
    const full = this.resolve(path);
    return this.sandbox.as('agent', () => {
      const stat = fsCall(path, () => statSync(full));
      if (!stat.isDirectory()) return { text: `${this.display(full)} (${stat.size} bytes)`, rawSize: stat.size };
      const entries: string[] = [];
      let total = 0;
      const walk = (dir: string, level: number) => {
        let names: string[];
        try {
          names = readdirSync(dir).sort();
        } catch {
          entries.push(`${this.display(dir)}/ (unreadable)`);
          return;
        }
        for (const name of names) {
          const child = join(dir, name);
          let info;
          try {
            info = lstatSync(child);
          } catch {
            continue;
          }
          total += 1;
          const shown = this.display(child);
          if (info.isDirectory()) {
            // .git holds thousands of objects the model never needs listed.
            const collapse = name === '.git' || level >= depth;
            if (entries.length < MAX_LISTED) entries.push(`${shown}/${collapse && name === '.git' ? ' (git metadata)' : ''}`);
            if (!collapse) walk(child, level + 1);
          } else if (entries.length < MAX_LISTED) {
            entries.push(info.isSymbolicLink() ? `${shown} (symlink)` : `${shown} (${info.size} bytes)`);
          }
        }
      };
      walk(full, 1);
      const more = total > entries.length ? `\n[... ${total - entries.length} more entries not shown ...]` : '';
      const text = entries.length === 0 ? `${this.display(full)} is empty` : entries.join('\n') + more;
      return { text, rawSize: Buffer.byteLength(text) };
    });
  }
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Runs a file system call, turning its errors into the ActionError the model should see. */
function fsCall<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ActionError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ActionError('not_found', `${path} does not exist`);
    if (code === 'EACCES' || code === 'EPERM') throw new ActionError('failed', `permission denied: ${path}`);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new ActionError('failed', `no space left in the workspace while writing ${path}`);
    if (code === 'EISDIR') throw new ActionError('invalid_arguments', `${path} is a directory`);
    throw new ActionError('failed', `${path}: ${(error as Error).message}`);
  }
}

