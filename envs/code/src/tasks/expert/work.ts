import { changedRegion, type Region } from './diff.js';
import { sedLineCommand, writeCommand } from './shell.js';
import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import { lookStep, quote, readFile, SUBMIT, type Expert, type Look } from './step.js';
import type { EpisodeView } from './view.js';

/** How an expert strategy works on files: the file tools, or bash (cat, sed, here-documents). */
export type Style = 'tools' | 'shell';

/** A file as the finished work holds it; the expert changes the workspace until every target holds its content. */
export interface Target {
  /** The workspace path. */
  path: string;
  /** The file's text when the work is done. */
  content: string;
  /** Written from the task's words (a new script, a function from its description), not from the file's lines. */
  fromScratch?: boolean;
  /** The shown text the content follows (the spec it implements, the docstring a fix restores). */
  sources: string[];
  /** How the content follows from `sources`, for the grounding record ("f(x) written from its description"). */
  how: string;
  /** The rationale of reading the file before changing it (only when the change copies its lines). */
  whyRead(view: EpisodeView): string;
  /** Why the change; `region` is the block replaced, undefined when the whole file is written. */
  whyChange(view: EpisodeView, region: Region | undefined): string;
}

/** How an expert does a task that changes files: look around, change each file, check, submit. */
export interface WorkPlan {
  /** Strategy name -> its style; the first is the default. */
  strategies: Record<string, Style>;
  /** Calls made once, first (run the failing tests, look at the data). */
  look(style: Style): Look[];
  /** Every file the finished work consists of, the task's first, then the files to keep as they are. */
  targets: Target[];
  /** How the work is tried once the files are right (run_tests, the script on the visible input). */
  check?(style: Style): Look;
  /** The rationale of the final submit, from what the check showed. */
  whySubmit(view: EpisodeView): string;
  /** Near-miss name -> its policy (usually `writeThenSubmit`); the names are the family's `nearMisses`. */
  nearMisses: Record<string, (view: EpisodeView) => ExpertStep>;
}

/**
 * The expert of a file-changing family. From the state alone: the first look not made yet;
 * then the first file that differs from its target (read first when the change copies its
 * lines, so every `old` text was shown); then the check, unless it ran on these very files;
 * then submit. A wrong edit, a deleted file or a skipped step in between is repaired the same way.
 */
export function workExpert(plan: WorkPlan): Expert {
  const watched = plan.targets.map((t) => t.path);
  const defaultStrategy = Object.keys(plan.strategies)[0]!;
  return (view, strategy) => {
    const nearMiss = plan.nearMisses[strategy];
    if (nearMiss) return nearMiss(view);
    const style = plan.strategies[strategy] ?? plan.strategies[defaultStrategy]!;
    const look = plan.look(style).find((l) => !view.made(l.call));
    if (look) return lookStep(look, view);
    for (const target of plan.targets) {
      const current = view.content(target.path);
      if (current !== target.content) return change(style, target, current, view);
    }
    const check = plan.check?.(style);
    if (check && !view.made(check.call, watched)) return lookStep(check, view);
    return { call: SUBMIT, text: plan.whySubmit(view) };
  };
}

/** The call that shows a file with its lines as they are. */
function readCall(style: Style, path: string): Look['call'] {
  return style === 'tools' ? readFile(path) : { name: 'bash', arguments: { command: `cat -n ${path}` } };
}

function change(style: Style, target: Target, current: string | undefined, view: EpisodeView): ExpertStep {
  if (current === undefined || current === '' || target.fromScratch) return writeWhole(style, target, [], view, undefined);
  const region = changedRegion(current, target.content)!;
  const read = readCall(style, target.path);
  if (!view.made(read, [target.path])) {
    const derived =
      style === 'shell' ? [{ value: read.arguments.command as string, sources: [target.path], how: 'show the listed file with line numbers' }] : undefined;
    return { call: read, text: target.whyRead(view), derived };
  }
  const why = target.whyChange(view, region);
  const fixed: Derived = { value: region.new, sources: [...sourceLines(region.old), ...target.sources], how: target.how };
  if (style === 'tools') {
    return { call: { name: 'edit_file', arguments: { path: target.path, old: region.old, new: region.new } }, text: why, derived: [fixed] };
  }
  if (!region.old.includes('\n') && !region.new.includes('\n')) {
    const command = sedLineCommand(target.path, region.line, region.new);
    const how = `line ${region.line} of ${target.path} (cat -n) replaced: ${target.how}`;
    return {
      call: { name: 'bash', arguments: { command } },
      text: why,
      derived: [{ ...fixed, value: command, sources: [...fixed.sources, target.path], how }],
    };
  }
  return writeWhole(style, target, sourceLines(region.old), view, region);
}

function writeWhole(style: Style, target: Target, copied: string[], view: EpisodeView, region: Region | undefined): ExpertStep {
  const why = target.whyChange(view, region);
  const content: Derived = { value: target.content, sources: [...copied, ...target.sources], how: target.how };
  if (style === 'tools') return { call: { name: 'write_file', arguments: { path: target.path, content: target.content } }, text: why, derived: [content] };
  const command = writeCommand(target.path, target.content);
  return { call: { name: 'bash', arguments: { command } }, text: why, derived: [{ ...content, value: command, sources: [...content.sources, target.path] }] };
}

/** The non-blank lines of a shown block, each a source on its own (cat -n shows them apart). */
function sourceLines(block: string): string[] {
  return block.split('\n').filter((line) => line.trim() !== '');
}

/**
 * A target for a file the work leaves as it was (`content` as the task started): when another
 * policy changed or deleted it, the expert reads it and puts it back. `sources` default to the path.
 */
export function keep(path: string, content: string, sources: string[] = [path]): Target {
  return {
    path,
    content,
    sources,
    how: `${path} as it was before it was changed`,
    whyRead: () => `${path} no longer holds what it held when the task started; read it before putting it back.`,
    whyChange: (_view, region) =>
      region
        ? `${path} was changed: put back ${quote(region.new || '(nothing)')} in place of ${quote(region.old)}.`
        : `${path} is missing: write it back as it was.`,
  };
}
