import type { Rng } from '@workgym/protocol';
import type { ExpertStep, FamilyDef } from '@workgym/protocol/kit';

/** What the expert decides from: what the episode has shown (the notes opened) and the strategy to play. */
export interface NotesView {
  opened: ReadonlySet<number>;
  strategy: string;
}

/** One generated task: the notes, the one asked about, and its expert. */
export interface NotesTask {
  instruction: string;
  notes: { title: string; code: string }[];
  /** Index of the note the instruction asks about. */
  target: number;
  expert(view: NotesView): ExpertStep;
}

const TITLES = ['Boiler service', 'Office move', 'Team offsite', 'Vendor contract', 'Server migration', 'Hiring plan'];

/**
 * The family `__ENV_NAME__/find-code`: find the code in the note with a given title. Every choice
 * comes from `rng`, so a (seed, split) gives the same task everywhere.
 */
export const findCode: FamilyDef<NotesTask> = {
  name: 'find-code',
  difficulty: 'easy',
  description: 'Find the code in the note with a given title and answer with it.',
  // Two ways a person would do it; the expert plays each, and each must solve every seed.
  strategies: ['by-title', 'scan'],
  // A sloppy attempt that must fail on every seed: answering with the first note's code.
  nearMisses: ['first-note'],
  // What the verdict is made of; the server turns it into shaped reward (success is the default).
  components: [{ name: 'answer', kind: 'progress' }],
  // What the task states: dropped, the answer must change on every seed ("relax:title" must fail).
  conditions: ['title'],
  // A constant attempt, the same on every seed: it may succeed on at most 5% of them.
  guesses: ['fixed-code'],
  generate(rng) {
    const notes = drawNotes(rng);
    // Never the first note, so the first-note near-miss fails on every seed.
    return askAbout(notes, rng.int(1, notes.length - 1));
  },
};

function drawNotes(rng: Rng): { title: string; code: string }[] {
  return rng.sample(TITLES, 4).map((title) => ({ title, code: rng.chars(6) }));
}

/** The task that asks for the code of note `target`, with its expert: every step says why, from what was shown. */
function askAbout(notes: { title: string; code: string }[], target: number): NotesTask {
  const wanted = notes[target]!;
  const open = (n: number, why: string): ExpertStep => ({ call: { name: 'open_note', arguments: { number: n + 1 } }, text: why });
  const answer = (n: number, why: string): ExpertStep => ({ call: { name: 'answer', arguments: { text: notes[n]!.code } }, text: why });
  return {
    instruction: `What is the code in the note "${wanted.title}"? Answer with the code only.`,
    notes,
    target,
    expert({ opened, strategy }) {
      if (strategy === 'guess:fixed-code') return { call: { name: 'answer', arguments: { text: 'ABC123' } }, text: 'Codes often look like ABC123.' };
      // Without the title, any note's code would do: the first one.
      if (strategy === 'first-note' || strategy === 'relax:title')
        return opened.has(0) ? answer(0, 'The first note shows a code: answer with it.') : open(0, 'Open the first note.');
      if (opened.has(target)) return answer(target, `The note "${wanted.title}" shows the code ${wanted.code}: answer with it.`);
      if (strategy === 'scan') {
        const next = notes.findIndex((_, n) => !opened.has(n));
        return open(next, `Open the notes in order until "${wanted.title}" shows up: note ${next + 1} is next.`);
      }
      return open(target, `The list shows "${wanted.title}" as note ${target + 1}: open it.`);
    },
  };
}
