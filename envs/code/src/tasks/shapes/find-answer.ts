// The "find the answer" shape: explore the workspace (files, a git history) and answer one
// question with the answer tool; the check compares the answer with the generated truth.
import { guessStrategy, type Rng } from '@workgym/protocol';
import type { ExpertStep, PlannedCall } from '@workgym/protocol/kit';
import { ACT_ANYWAY, byStrategy, firstUnmade, type Look } from '../expert/step.js';
import type { EpisodeView } from '../expert/view.js';
import type { Commit, TaskInstance } from '../task.js';

/** The shape's near-miss: one answer naming every plausible value, hoping the check only looks for the right one. */
export const EVERY_CANDIDATE = 'every-candidate';

/** The question an instance asks. */
export interface Question {
  /** The question as the instruction asks it, saying what form the answer takes ("Answer with the number."). */
  text: string;
  /** The right answer; the check accepts it after normalisation (case, quotes, spaces, number format, path prefix). */
  answer: string;
  /** Plausible wrong answers (a stale value, a distractor): candidates beside the right one, and part of the near-miss. */
  wrong: string[];
}

/** What a family of the shape draws for one instance; `findAnswerTask` builds the rest. */
export interface FindAnswerTask {
  /** The instruction up to the question: where to look ("Explore the orderly repository in the workspace and"). */
  lead: string;
  question: Question;
  /** The workspace at the start (for a git family, the last commit's tree). */
  files: Record<string, string>;
  /** A history to build .git from, for questions about it. */
  git?: Commit[];
  /**
   * Strategy name -> the expert's policy: the searches or reads not made yet, then the answer
   * (`looksThenAnswer`). The names are the family's `strategies`.
   */
  strategies: Record<string, (view: EpisodeView) => ExpertStep>;
  /** Candidate calls that explore (list, read, search); the answers follow them in a seeded order. */
  explore: PlannedCall[];
  /**
   * The family's constant attempts: guess name -> the answer it always gives (the answer most
   * seeds share), played as `guess:<name>`; the family lists the names as its `guesses`.
   */
  guesses?: Record<string, string>;
  /**
   * `relax:<condition>` -> the expert's policy with that condition of the question ignored (the
   * answer a careless reader gives); the family lists the conditions as its `conditions`.
   */
  relaxed?: Record<string, (view: EpisodeView) => ExpertStep>;
  /**
   * The question asks about something the workspace does not hold (an infeasible seed): no
   * answer is accepted, `question.answer` is what answering anyway gives (about the nearest
   * thing that exists), and the strategies end in `report_infeasible`.
   */
  absent?: boolean;
}

/**
 * The instance of a "find the answer" task: the instruction (`lead`, the question, how to
 * answer), an `answer` check accepting `question.answer`, the candidates (`explore`, then the
 * right and wrong answers shuffled by `rng`) and an expert playing `strategies`, the
 * near-miss `EVERY_CANDIDATE` and the constant answers of `guesses`.
 */
export function findAnswerTask(task: FindAnswerTask, rng: Rng): TaskInstance {
  const { question } = task;
  const everyCandidate = [question.answer, ...question.wrong].join(' or ');
  return {
    instruction: `${task.lead} answer: ${question.text} Give your final answer with the answer tool (it ends the episode).`,
    files: task.files,
    ...(task.git ? { git: task.git } : {}),
    check: { kind: 'answer', accept: task.absent ? [] : [question.answer] },
    expert: byStrategy(task.strategies, {
      [EVERY_CANDIDATE]: () => ({
        call: { name: 'answer', arguments: { text: everyCandidate } },
        text: `near-miss ${EVERY_CANDIDATE}: answer with every plausible value`,
      }),
      ...Object.fromEntries(
        Object.entries(task.guesses ?? {}).map(([name, text]) => [
          guessStrategy(name),
          () => ({ call: { name: 'answer', arguments: { text } }, text: `guess ${name}: the same answer whatever the question` }),
        ]),
      ),
      ...task.relaxed,
      // A family with infeasible seeds declares it: the nearest answer where nothing is right, a wrong one elsewhere.
      [ACT_ANYWAY]: () => {
        const text = task.absent ? question.answer : question.wrong[0]!;
        return { call: { name: 'answer', arguments: { text } }, text: `near-miss ${ACT_ANYWAY}: answer ${text} without checking the question holds` };
      },
    }),
    candidates: [...task.explore, ...rng.shuffle([question.answer, ...question.wrong]).map((text) => ({ name: 'answer', arguments: { text } }))],
  };
}

/**
 * The expert's final step: the `answer` call with `text`, `why` as its rationale, and `text`
 * declared as derived from `sources` (the shown lines it was read or computed from) by `how`.
 */
export function answerStep(text: string, sources: string[], how: string, why: string): ExpertStep {
  return { call: { name: 'answer', arguments: { text } }, text: why, derived: [{ value: text, sources, how }] };
}

/** A strategy's policy: the first of `looks` not made yet, then `answer` once every look was made. */
export function looksThenAnswer(looks: readonly Look[], answer: ExpertStep): (view: EpisodeView) => ExpertStep {
  return (view) => firstUnmade(looks, view) ?? answer;
}
