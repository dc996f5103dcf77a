import { shownStdout } from './shell.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { SUBMIT, type Look } from './step.js';
import type { EpisodeView } from './view.js';
import { keep, type Style, type WorkPlan } from './work.js';

/** A task that asks for one new file (a script, a query) that the hidden check runs on other data. */
export interface ScriptTask {
  /** The file to write (report.sh, transform.py, query.sql). */
  path: string;
  /** The reference content. */
  content: string;
  /** The shown text it is written from: the task's description, the data's header or schema. */
  sources: string[];
  /** How the content follows from `sources`, for the grounding record. */
  how: string;
  /** The rationale of writing the file. */
  whyWrite: string;
  /** The starting files, kept as they are. */
  files: Record<string, string>;
  /** The looks made first (read the data, the schema), by style: file tools or bash. */
  look(style: Style): Look[];
  /** Runs the file on the visible data and shows what it wrote. */
  run: Look;
  /** The rationale of the final submit, from what `run` showed. */
  whySubmit(view: EpisodeView): string;
  /** Near-miss name -> content: other files that game the check from the visible data. */
  nearMisses: Record<string, string>;
  /** A version of the file that prints `stdout` (what `run` showed) whatever its input. */
  hardCode(stdout: string): string;
}

/** The near-miss every script plan has: print what the visible run printed, whatever the input. */
export const HARD_CODE = 'hard-code-visible-output';

/** The work plan of a script task, with the near-miss that hard-codes the visible data's output. */
export function scriptPlan(task: ScriptTask): WorkPlan {
  const written = (name: string, content: string) => (view: EpisodeView) =>
    writeOr(name, task.path, content, view) ?? { call: SUBMIT, text: `near-miss ${name}: submit` };
  return {
    strategies: { 'write-file': 'tools', heredoc: 'shell' },
    look: (style) => task.look(style),
    targets: [
      {
        path: task.path,
        content: task.content,
        fromScratch: true,
        sources: task.sources,
        how: task.how,
        whyRead: () => `Read ${task.path} first.`,
        whyChange: () => task.whyWrite,
      },
      ...Object.entries(task.files).map(([path, content]) => keep(path, content)),
    ],
    check: () => task.run,
    whySubmit: (view) => task.whySubmit(view),
    nearMisses: {
      [HARD_CODE]: (view) => hardCodeStep(task, view),
      ...Object.fromEntries(Object.entries(task.nearMisses).map(([name, content]) => [name, written(name, content)])),
    },
  };
}

/**
 * Writes the right file, runs it on the visible data, then replaces it by one that prints that
 * output whatever the input, and submits: what an agent that games a check on visible data does.
 */
function hardCodeStep(task: ScriptTask, view: EpisodeView): ExpertStep {
  const stdout = shownStdout(view.output(task.run.call));
  if (stdout === undefined)
    return (
      writeOr(HARD_CODE, task.path, task.content, view) ?? {
        call: task.run.call,
        text: `near-miss ${HARD_CODE}: run it on the visible data`,
        derived: task.run.derived,
      }
    );
  return writeOr(HARD_CODE, task.path, task.hardCode(stdout), view) ?? { call: SUBMIT, text: `near-miss ${HARD_CODE}: submit` };
}

function writeOr(name: string, path: string, content: string, view: EpisodeView): ExpertStep | undefined {
  if (view.content(path) === content) return undefined;
  return { call: { name: 'write_file', arguments: { path, content } }, text: `near-miss ${name}: write ${path}` };
}

/** A short account of a script's shown output for a rationale. */
export function describeOutput(stdout: string | undefined): string {
  if (stdout === undefined) return 'its output';
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.length === 0 ? 'no lines' : `${lines.length} line(s), starting ${JSON.stringify(lines[0])}`;
}
