// The expert of a task-set task: it writes the dataset's reference solution. It cannot work the
// solution out from the episode, so each write says where the content comes from (the task
// file's reference), and declares it as taken from the dataset rather than from what was shown.
import type { ExpertStep } from '@workgym/protocol/kit';
import { readFile, SUBMIT, type Expert } from '../tasks/expert/step.js';
import type { EpisodeView } from '../tasks/expert/view.js';

/** The one strategy of task-set tasks. */
export const REFERENCE_STRATEGY = 'reference-solution';

/** A scripted attempt that games the verifier, at a state of the episode. */
export type NearMiss = (view: EpisodeView) => ExpertStep;

/**
 * The expert that reads each reference file the workspace already has, writes the dataset's
 * reference content into every file that does not hold it yet, and submits. `task` names the
 * task in the step texts (`HumanEval HumanEval/0`); `instruction` is the shown text the writes
 * are declared against.
 */
export function referenceExpert(reference: Record<string, string>, task: string, instruction: string, nearMisses: Record<string, NearMiss>): Expert {
  return (view, strategy) => {
    const nearMiss = nearMisses[strategy];
    if (nearMiss) return nearMiss(view);
    for (const path of Object.keys(reference)) {
      if (view.content(path) !== undefined && !view.made(readFile(path))) {
        return { call: readFile(path), text: `Read ${path} to see what the task starts from.` };
      }
    }
    for (const [path, content] of Object.entries(reference)) {
      if (view.content(path) === content) continue;
      const source = firstLine(instruction);
      return {
        call: { name: 'write_file', arguments: { path, content } },
        text: `Write the dataset's reference solution of ${task} into ${path}: it comes from the task file, not from working the task out in this episode.`,
        derived: [
          { value: content, sources: [source], how: `the reference solution ${task} ships with (not derived from the episode)` },
          { value: path, sources: [source], how: `the file the reference solution of ${task} is written to` },
        ],
      };
    }
    return { call: SUBMIT, text: `Every file holds the reference solution of ${task}: submit for the hidden test.` };
  };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? text
  );
}
