import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { addCommands } from '../src/commands/index.js';

// Collects the examples the CLI and the docs show, for help-examples.test.ts to run: every
// "Examples:" line of every command's real --help, and every line of the docs' code blocks
// fenced as ```sh runnable.

/** The info string of a docs code block whose commands the test runs. */
export const RUNNABLE_FENCE = '```sh runnable';

export interface HelpPage {
  /** The command's words after `workgym`: [] for the program, ['data', 'stats'], ... */
  path: string[];
  text: string;
  /** Whether the command has --dry-run (the test runs its examples that way). */
  dryRun: boolean;
}

export interface Example {
  /** Where it is shown: `workgym data stats --help`, or README.md:42. */
  source: string;
  command: string;
}

/** Every command's --help as `workgym <path> --help` prints it, walking the whole command tree. */
export async function helpPages(path: string[] = []): Promise<HelpPage[]> {
  let text = '';
  const program = new Command('workgym').configureOutput({ writeOut: (s) => void (text += s), writeErr: () => undefined });
  // Defines in full the command the path names, as `workgym <path> --help` does.
  await addCommands(program, path);
  const command = path.reduce<Command>((parent, name) => parent.commands.find((c) => c.name() === name)!, program);
  command.outputHelp();
  const page = { path, text, dryRun: command.options.some((o) => o.long === '--dry-run') };
  const children = [];
  for (const child of command.commands) children.push(...(await helpPages([...path, child.name()])));
  return [page, ...children];
}

/** The lines under a help page's "Examples:" (or "Example:") heading, continuation lines joined. */
export function helpExamples(page: HelpPage): Example[] {
  const lines = page.text.split('\n');
  const start = lines.findIndex((line) => /^Examples?:\s*$/.test(line));
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    block.push(line.trim());
  }
  const source = `workgym ${[...page.path, '--help'].join(' ')}`;
  return joinContinuations(block).map((command) => ({ source, command }));
}

/** The commands of a markdown file's runnable code blocks, each with its file and line. */
export async function docsExamples(file: string, label = file): Promise<Example[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const examples: Example[] = [];
  let block: { start: number; lines: string[] } | undefined;
  lines.forEach((line, i) => {
    if (block && line.startsWith('```')) {
      examples.push(...joinContinuations(block.lines).map((command, k) => ({ source: `${label}:${block!.start} #${k + 1}`, command })));
      block = undefined;
    } else if (block) block.lines.push(line.trim());
    else if (line.trim() === RUNNABLE_FENCE) block = { start: i + 1, lines: [] };
  });
  return examples;
}

function joinContinuations(lines: readonly string[]): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (line.endsWith('\\')) pending += `${line.slice(0, -1).trim()} `;
    else {
      const command = (pending + line).trim();
      pending = '';
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** The command path an example runs (`workgym data stats ...` → data stats), or undefined when it runs no workgym command. */
export function commandPath(command: string, pages: readonly HelpPage[]): HelpPage | undefined {
  const words = command.split(/\s+/);
  const at = words.indexOf('workgym');
  if (at < 0 || (at > 0 && words[at - 1] !== 'npx')) return undefined;
  const known = new Map(pages.map((p) => [p.path.join(' '), p]));
  let found = known.get('');
  for (let n = 1; at + n < words.length; n++) {
    const page = known.get(words.slice(at + 1, at + 1 + n).join(' '));
    if (!page) break;
    found = page;
  }
  return found;
}

/** The command before its first pipe (`a | jq ...` → `a`), quotes respected. */
export function beforePipe(command: string): string {
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '|' && command[i + 1] !== '|' && command[i - 1] !== '|') return command.slice(0, i).trim();
  }
  return command;
}

/** The command without its trailing shell comment (`a --x 1   # why it's so` → `a --x 1`), quotes respected. */
export function withoutComment(command: string): string {
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && /\s/.test(command[i - 1] ?? '')) return command.slice(0, i).trim();
  }
  return command;
}

/** The value of `--out` in a command, without a trailing slash: the path the example writes. */
export function outPath(command: string): string | undefined {
  return /--out[= ]+("[^"]+"|'[^']+'|\S+)/
    .exec(command)?.[1]
    ?.replace(/^["']|["']$/g, '')
    .replace(/\/+$/, '');
}
