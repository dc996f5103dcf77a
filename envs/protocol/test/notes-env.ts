// The worked example of docs/adding-a-family.md: a whole env built on the kit, with a family and
// a variant of it whose tasks come in scenarios.
// An env outside this package imports the same names from '@workgym/protocol' and
// '@workgym/protocol/kit'; notes-env.unit.test.ts runs the conformance suite on it.
import { ActionError, type EpisodeSpec, type Rng, type Observation, type Session, type StepOutcome, type ValidToolCall, type Verdict } from '../src/index.js';
import { candidateCalls, defineTools, EnvBase, expertAction, FamilyCatalogue, z, type ExpertStep, type FamilyDef } from '../src/kit/index.js';

// The tools: a zod object each, with descriptions; the kit makes the JSON Schemas and the parser.
const TOOLS = defineTools({
  open_note: {
    description: 'Show a note by its number in the list.',
    args: z.strictObject({ number: z.number().int().min(1).describe('The number the list shows before the title.') }),
  },
  answer: {
    description: 'Give the final answer: ends the episode.',
    args: z.strictObject({ text: z.string().min(1).describe('The answer, as short as the question allows.') }),
  },
});

/** What the expert decides from: what the episode has shown (the notes it opened) and the strategy to play. */
interface NotesView {
  opened: ReadonlySet<number>;
  strategy: string;
}

/** One generated task: the notes, the one asked about, and the expert. */
interface NotesTask {
  instruction: string;
  notes: { title: string; code: string }[];
  /** Index of the note the instruction asks about. */
  target: number;
  expert(view: NotesView): ExpertStep;
}

const TITLES = ['Boiler service', 'Office move', 'Team offsite', 'Vendor contract', 'Server migration', 'Hiring plan'];

/** notes/find-code: find the code in the note with a given title. */
export const findCode: FamilyDef<NotesTask> = {
  name: 'find-code',
  difficulty: 'easy',
  description: 'Find the code in the note with a given title and answer with it.',
  strategies: ['by-title', 'scan'],
  nearMisses: ['first-note'],
  components: [{ name: 'answer', kind: 'progress' }],
  conditions: ['title'],
  guesses: ['fixed-code'],
  // The tier is the generator's knob: how many notes there are to look through.
  tiers: ['easy', 'medium', 'hard'],
  generate(rng, _task, tier) {
    const notes = drawNotes(rng, NOTES_BY_TIER[tier]);
    // Never the first note, so the first-note near-miss fails on every seed.
    return askAbout(notes, rng.int(1, notes.length - 1));
  },
};

/**
 * notes/find-each-code: related tasks. The three seeds of a scenario get the same notes
 * (the kit hands them one generator) and ask in turn about notes 2, 3 and 4 (`task` 0, 1, 2).
 */
export const findEachCode: FamilyDef<NotesTask> = {
  ...findCode,
  name: 'find-each-code',
  description: 'Find the code in one of the notes; the seeds of a scenario ask about notes 2, 3 and 4.',
  scenario: { tasks: 3 },
  generate: (rng, task, tier) => askAbout(drawNotes(rng, NOTES_BY_TIER[tier]), task + 1),
};

const NOTES_BY_TIER = { easy: 4, medium: 5, hard: 6 } as const;

function drawNotes(rng: Rng, count: number): { title: string; code: string }[] {
  return rng.sample(TITLES, count).map((title) => ({ title, code: rng.chars(6) }));
}

/** The task that asks for the code of note `target`, with its expert. */
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

/** One episode: the list of notes, then whatever note the agent opens. */
class NotesSession implements Session {
  readonly tools = TOOLS.specs;
  observation: Observation;
  private readonly opened = new Set<number>();
  private answered: string | undefined;

  constructor(private readonly task: NotesTask) {
    this.observation = this.show(task.notes.map((note, n) => `${n + 1}. ${note.title}`).join('\n'));
  }

  get instruction(): string {
    return this.task.instruction;
  }

  async step(call: ValidToolCall): Promise<StepOutcome> {
    if (call.name === 'answer') {
      this.answered = TOOLS.parse('answer', call.arguments).text;
      return { observation: this.show('Answer recorded.'), terminated: true };
    }
    const { number } = TOOLS.parse('open_note', call.arguments);
    const note = this.task.notes[number - 1];
    if (!note) throw new ActionError('not_found', `there is no note ${number}`);
    this.opened.add(number - 1);
    return { observation: this.show(`${note.title}\nCode: ${note.code}`) };
  }

  /** Judged against the generated truth, never against anything the agent could change. */
  async verify(): Promise<Verdict> {
    const right = this.answered?.trim() === this.task.notes[this.task.target]!.code;
    return { success: right, components: { answer: right ? 1 : 0 }, detail: `answered ${JSON.stringify(this.answered ?? null)}` };
  }

  async expert(_signal: AbortSignal, strategy: string) {
    return expertAction(this.task.expert({ opened: this.opened, strategy }), 'expert');
  }

  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** An observation with its candidate actions: every note to open. */
  private show(text: string): Observation {
    return { text, candidates: candidateCalls(this.task.notes.map((_, n) => ({ name: 'open_note', arguments: { number: n + 1 } }))) };
  }
}

/** The env: its catalogue and tools come from the kit; it writes only how to open a session. */
export class NotesEnv extends EnvBase<FamilyDef<NotesTask>> {
  constructor(families: readonly FamilyDef<NotesTask>[] = [findCode]) {
    super(
      { name: 'notes', version: '0.1.0', maxSessions: 4, capabilities: ['expert', 'candidates'] },
      new FamilyCatalogue('notes', families, { job: 'assistant' }),
      TOOLS.specs,
    );
  }

  protected async open(spec: EpisodeSpec): Promise<Session> {
    return new NotesSession(this.instance(spec.family, spec.seed, spec.split));
  }
}
