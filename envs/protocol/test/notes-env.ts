// The worked example of docs/adding-a-family.md: a whole env built on the kit, with a family and
// a variant of it whose tasks come in scenarios.
// An env outside this package imports the same names from '@workgym/protocol' and
// '@workgym/protocol/kit'; notes-env.unit.test.ts runs the conformance suite on it.
import { ActionError, type EpisodeSpec, type Rng, type Observation, type Session, type StepOutcome, type ValidToolCall, type Verdict } from '../src/index.js';
import {
  candidateCalls,
  defineTools,
  EnvBase,
  expertAction,
  FamilyCatalogue,
  type People,
  z,
  type ExpertStep,
  type FamilyDef,
  type Person,
} from '../src/kit/index.js';

// The tools: a zod object each, with descriptions; the kit makes the JSON Schemas and the parser.
const TOOLS = defineTools({
  open_note: {
    description: 'Show a note by its number in the list.',
    args: z.strictObject({ number: z.number().int().min(1).describe('The number the list shows before the title.') }),
  },
  star_note: {
    description: 'Star a note by its number in the list.',
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
  starred: ReadonlySet<number>;
  strategy: string;
  /** The task's people and what they have said (a people family). */
  people?: People;
}

/** One generated task: the notes, the one asked about, and the expert. */
interface NotesTask {
  instruction: string;
  notes: { title: string; code: string }[];
  /** Index of the note the instruction asks about; -1 when no note has the asked title (an infeasible seed). */
  target: number;
  /** Who the agent can ask (a people family). */
  people?: Person[];
  expert(view: NotesView): ExpertStep;
}

const TITLES = ['Boiler service', 'Office move', 'Team offsite', 'Vendor contract', 'Server migration', 'Hiring plan', 'Budget review'];

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
  // The kit judges the whole state: the task changes nothing (the session expects no change), so
  // starring a note on the way fails.
  collateral: true,
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

/**
 * notes/find-code-or-report: a quarter of its seeds (the kit's `infeasible` feature) ask about a
 * title no note has; the list shows every title, so the expert reads it and reports instead.
 */
export const findCodeOrReport: FamilyDef<NotesTask> = {
  ...findCode,
  name: 'find-code-or-report',
  description: 'Find the code in the note with a given title and answer with it, or report that no note has the title.',
  nearMisses: ['first-note', 'star-and-report'],
  features: ['infeasible'],
  generate(rng, _task, tier, { infeasible }) {
    const count = NOTES_BY_TIER[tier];
    // One note more than the list shows is drawn: the one taken out gives an infeasible seed its title.
    const drawn = drawNotes(rng, count + 1);
    const cut = rng.int(1, count);
    const notes = drawn.filter((_, n) => n !== cut);
    return infeasible ? askAboutMissing(notes, drawn[cut]!.title) : askAbout(notes, rng.int(1, count - 1));
  },
};

/**
 * notes/ask-for-code: only a colleague knows which note holds the code (the kit's `people`
 * feature). The agent messages them; on some seeds they name the wrong note first and correct
 * themselves in the same reply. Muted, the expert never learns the title and fails.
 */
export const askForCode: FamilyDef<NotesTask> = {
  ...findCode,
  name: 'ask-for-code',
  description: 'Ask the colleague which note holds the code they need, then answer with it.',
  strategies: ['by-title'],
  features: ['people'],
  people: (task) => task.people ?? [],
  generate(rng, _task, tier) {
    const notes = drawNotes(rng, NOTES_BY_TIER[tier]);
    const target = rng.int(1, notes.length - 1);
    // A third of the seeds: the colleague first names another note, then corrects it.
    const slip = rng.int(0, 2) === 0 ? notes[rng.pick([...notes.keys()].filter((n) => n !== target))]!.title : undefined;
    return askColleague(notes, target, slip);
  },
};

const COLLEAGUE = { id: 'sam.lee', name: 'Sam Lee', role: 'office manager' } as const;

/** The task whose note only the colleague can name: the list shows titles, and any of them could be it. */
function askColleague(notes: { title: string; code: string }[], target: number, slip: string | undefined): NotesTask {
  const wanted = notes[target]!;
  const asked = askAbout(notes, target);
  const person: Person = {
    ...COLLEAGUE,
    tone: 'casual',
    channel: 'message',
    facts: [
      {
        id: 'note',
        about: 'which note holds the code',
        asks: ['which|what & note', 'note & title*|name*|called'],
        paraphrases: ['Which note should I use?', 'What is the title of the note with your code?', 'Can you tell me the name of the note you need?'],
        answer: `The one you need is titled "${wanted.title}".`,
        value: wanted.title,
        ...(slip ? { slip: `It's the note "${slip}".` } : {}),
      },
    ],
  };
  return {
    ...asked,
    instruction: `${COLLEAGUE.name} (${COLLEAGUE.id}), the ${COLLEAGUE.role}, needs the code from one of the notes; only they know which. Ask them, then answer with that note's code only.`,
    people: [person],
    expert(view) {
      const people = view.people!;
      const title = people.heard(COLLEAGUE.id, 'note');
      if (title === undefined && !people.wasAsked(COLLEAGUE.id, 'note'))
        return people.ask(COLLEAGUE.id, 'note', `Only ${COLLEAGUE.name} knows which note holds the code: ask them.`);
      if (title === undefined || view.strategy === 'first-note' || view.strategy === 'relax:title' || view.strategy === 'guess:fixed-code')
        return asked.expert({ ...view, strategy: view.strategy === 'by-title' || view.strategy === '' ? 'first-note' : view.strategy });
      const n = notes.findIndex((note) => note.title === title);
      if (view.opened.has(n))
        return { call: { name: 'answer', arguments: { text: notes[n]!.code } }, text: `The note "${title}" shows the code ${notes[n]!.code}: answer with it.` };
      return {
        call: { name: 'open_note', arguments: { number: n + 1 } },
        text: `${COLLEAGUE.name} said the note is "${title}", which the list shows as note ${n + 1}: open it.`,
      };
    },
  };
}

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
    expert({ opened, starred, strategy }) {
      if (strategy === 'star-and-report')
        return starred.has(0)
          ? { call: { name: 'report_infeasible', arguments: { reason: 'No such note.' } }, text: 'Report that there is no such note.' }
          : { call: { name: 'star_note', arguments: { number: 1 } }, text: 'Star the first note.' };
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

/** The task that asks for the code of a note titled `title`, which none of `notes` is. */
function askAboutMissing(notes: { title: string; code: string }[], title: string): NotesTask {
  const asked = askAbout([...notes, { title, code: '' }], notes.length);
  const titles = notes.map((note) => note.title);
  const reason = `No note is titled "${title}": the list has ${titles.map((t) => `"${t}"`).join(', ')}.`;
  return {
    ...asked,
    notes,
    target: -1,
    expert(view) {
      if (view.strategy === 'star-and-report' && !view.starred.has(0))
        return { call: { name: 'star_note', arguments: { number: 1 } }, text: 'Star the first note.' };
      if (view.strategy === 'star-and-report' || view.strategy === '' || findCode.strategies.includes(view.strategy))
        return {
          call: { name: 'report_infeasible', arguments: { reason } },
          text: `The list shows every note's title, and none is "${title}": there is no code to give, so report it.`,
          derived: [{ value: reason, sources: [title, ...titles], how: 'the asked title and the titles the list shows' }],
        };
      return asked.expert(view);
    },
  };
}

/** One episode: the list of notes, then whatever note the agent opens. */
class NotesSession implements Session {
  readonly tools = TOOLS.specs;
  observation: Observation;
  private readonly opened = new Set<number>();
  private readonly starred = new Set<number>();
  private answered: string | undefined;

  constructor(
    private readonly task: NotesTask,
    private readonly people?: People,
  ) {
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
    const { number } = TOOLS.parse(call.name as 'open_note' | 'star_note', call.arguments);
    const note = this.task.notes[number - 1];
    if (!note) throw new ActionError('not_found', `there is no note ${number}`);
    if (call.name === 'star_note') {
      this.starred.add(number - 1);
      return { observation: this.show(`Starred "${note.title}".`) };
    }
    this.opened.add(number - 1);
    return { observation: this.show(`${note.title}\nCode: ${note.code}`) };
  }

  /** Judged against the generated truth, never against anything the agent could change. */
  async verify(): Promise<Verdict> {
    const right = this.task.target >= 0 && this.answered?.trim() === this.task.notes[this.task.target]!.code;
    return { success: right, components: { answer: right ? 1 : 0 }, detail: `answered ${JSON.stringify(this.answered ?? null)}` };
  }

  async expert(_signal: AbortSignal, strategy: string) {
    return expertAction(this.task.expert({ opened: this.opened, starred: this.starred, strategy, people: this.people }), 'expert');
  }

  /** What the agent can change: which notes are starred. */
  async state(): Promise<Record<string, string>> {
    return Object.fromEntries(this.task.notes.map((_, n) => [`note:${n + 1}`, this.starred.has(n) ? 'starred' : '']));
  }

  /** The task is a question: it expects no change at all. */
  expectsChange(): boolean {
    return false;
  }

  /** Stars the note at `key` (`note:<number>`), as the star_note tool would. */
  async touch(key: string): Promise<void> {
    this.starred.add(Number(key.slice('note:'.length)) - 1);
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
    return new NotesSession(this.instance(spec.family, spec.seed, spec.split), spec.people);
  }
}
