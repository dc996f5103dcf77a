import type { Command } from 'commander';
import type { CommanderError } from 'commander';
import { WorkgymError } from '@workgym/protocol/errors';

/**
 * How every command reports a failure: one line (`workgym: <message>`), perhaps a hint line,
 * exit code 1; with `--json`, this object on stdout instead:
 *
 *   {"error": {"code": "WORKGYM_RUN_NOT_FOUND", "message": "...", "hint": "..."}}
 *
 * `code` is a workgym error's stable WORKGYM_* code, the system's code for a failed file
 * operation (ENOSPC, ENOTDIR, EACCES, ...), WORKGYM_USAGE for a command line commander refused,
 * or WORKGYM_INTERNAL for a bug (its stack is printed with WORKGYM_DEBUG=1).
 */
export interface CliError {
  code: string;
  message: string;
  hint?: string;
}

/** What a file operation's system code means, in words. */
const MEANING: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EISDIR: 'that is a folder',
  ENOTEMPTY: 'the folder is not empty',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file grew past what the filesystem allows',
  EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'the disk reported an I/O error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EBUSY: 'the file is busy',
};

/** What the system call was doing, for the message. */
const DOING: Record<string, string> = {
  mkdir: 'create the folder',
  open: 'open',
  read: 'read',
  write: 'write',
  rename: 'move',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  scandir: 'list',
  stat: 'read',
  lstat: 'read',
  copyfile: 'copy',
  fsync: 'write',
};

const SPACE_HINT = 'free some space on that disk, then run the command again (an interrupted rollout goes on with --resume)';

const HINTS: Record<string, string> = {
  ENOSPC: SPACE_HINT,
  EDQUOT: SPACE_HINT,
  WORKGYM_RUN_WRITE: 'fix what the message says (most often: free some space), then run the command again (a rollout: with --resume)',
  ENOTDIR: 'pick a path whose folders are folders',
  EEXIST: 'pick a path that is not taken by a file',
  EISDIR: 'name a file, not a folder',
  WORKGYM_CORRUPT_RECORD:
    '`workgym data verify RUN` lists all damage; `workgym data repair RUN --out NEW` copies the good episodes to a new run; ' +
    '`workgym rollout ... --resume` runs damaged episodes again',
};

/** The report for any error a command threw. */
export function describeError(error: unknown, command: Command | undefined): CliError {
  if (error instanceof WorkgymError) {
    const { code } = error;
    // A failed write carries the system's code too (RunWriteError.errno): its hint is the more precise.
    const { hint: own, errno } = error as { hint?: string; errno?: unknown };
    const hint =
      own ??
      (typeof errno === 'string' ? HINTS[errno] : undefined) ??
      HINTS[code] ??
      (code === 'WORKGYM_USAGE' && command ? `see \`${commandPath(command)} --help\`` : undefined);
    return withHint({ code, message: error.message }, hint);
  }
  // The kit's TaskSetError (a task set an env cannot load), known by name: importing the kit
  // here would load it for every command line, --help included.
  if (error instanceof Error && error.name === 'TaskSetError') {
    return { code: 'WORKGYM_TASKS', message: error.message };
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code in MEANING && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
    return withHint({ code, message: systemMessage(error as NodeJS.ErrnoException) }, HINTS[code]);
  }
  return {
    code: 'WORKGYM_INTERNAL',
    message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'this is a bug in workgym; please report it with the stack trace (WORKGYM_DEBUG=1 prints it)',
  };
}

/** The report for a command line commander refused (unknown option, missing argument, bad choice). */
export function describeCommanderError(error: CommanderError): CliError {
  return { code: 'WORKGYM_USAGE', message: error.message.replace(/^error: /, '') };
}

/** Prints the report: JSON on stdout, or one line (and a hint) on stderr. */
export function printError(report: CliError, json: boolean): void {
  if (json) console.log(JSON.stringify({ error: report }));
  else console.error(`workgym: ${report.message}${report.hint ? `\nhint: ${report.hint}` : ''}`);
}

/**
 * Whether the command the arguments name takes a `--json` flag (a boolean one: `eval --json
 * FILE` writes a file) and the flag was given.
 */
export function wantsJson(program: Command, args: readonly string[]): boolean {
  if (!args.includes('--json')) return false;
  const option = commandFor(program, args).options.find((o) => o.long === '--json');
  return option !== undefined && !option.required && !option.optional;
}

/** The deepest command the leading words of `args` name. */
export function commandFor(program: Command, args: readonly string[]): Command {
  let command = program;
  for (const word of args) {
    if (word.startsWith('-')) break;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    command = sub;
  }
  return command;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function systemMessage(error: NodeJS.ErrnoException & { dest?: string }): string {
  const doing = DOING[error.syscall!] ?? error.syscall;
  const target = error.path ? ` ${error.path}${error.dest ? ` to ${error.dest}` : ''}` : '';
  return `cannot ${doing}${target}: ${MEANING[error.code!]} (${error.code})`;
}

function withHint(report: CliError, hint: string | undefined): CliError {
  return hint ? { ...report, hint } : report;
}
