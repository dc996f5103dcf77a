// A tiny env for the RL loop's tests: read a note, then answer with the word it holds. The four
// answers offered are shuffled, so a random policy succeeds about a quarter of the time and a
// policy that learns "read, then answer with the word the note showed" succeeds every time.
// The seed also picks the task's kind, so tests can make groups whose rewards cannot vary:
// with `kinds`, seeds ≡ 0 (mod 3) accept any answer and seeds ≡ 1 accept none.
import {
  Rng,
  type Environment,
  type EpisodeSpec,
  type Observation,
  type Session,
  type StepOutcome,
  type TaskFamily,
  type ToolSpec,
  type ValidToolCall,
} from '@workgym/protocol';

const WORDS = ['amber', 'birch', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'kestrel', 'lagoon'];
export const RECALL_FAMILY = 'recall/note-word';

const tools: ToolSpec[] = [
  { name: 'read_note', description: 'Show the note.', parametersJson: JSON.stringify({ type: 'object', additionalProperties: false }) },
  {
    name: 'answer',
    description: 'Answer with a word (ends the episode).',
    parametersJson: JSON.stringify({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false }),
  },
];

const families: TaskFamily[] = [{ id: RECALL_FAMILY, job: 'tester', difficulty: 'easy', description: 'Answer with the note word.', splits: ['train', 'test'] }];

type Kind = 'normal' | 'any' | 'none';

class RecallSession implements Session {
  readonly tools = tools;
  readonly instruction: string;
  private shown = 'Nothing read yet.';
  private answered: string | undefined;

  constructor(
    name: string,
    private readonly word: string,
    private readonly offered: string[],
    private readonly kind: Kind,
  ) {
    // Each task's own name in the instruction, as real tasks have: a seeded policy draws per request.
    this.instruction = `Note ${name} holds one word. Read the note, then answer with that word.`;
  }

  get observation(): Observation {
    return {
      text: this.shown,
      rawSize: this.shown.length,
      candidates: [
        { id: 'read', name: 'read_note', argumentsJson: '{}' },
        ...this.offered.map((text, i) => ({ id: `answer-${i}`, name: 'answer', argumentsJson: JSON.stringify({ text }) })),
      ],
    };
  }

  async step(call: ValidToolCall): Promise<StepOutcome> {
    if (call.name === 'read_note') {
      this.shown = `The note says: ${this.word}`;
      return { observation: this.observation };
    }
    this.answered = String(call.arguments.text);
    return { observation: { text: 'answered' }, terminated: true };
  }

  async verify() {
    const success = this.answered !== undefined && (this.kind === 'any' || (this.kind === 'normal' && this.answered === this.word));
    return { reward: success ? 1 : 0, success, components: {}, detail: `answered ${this.answered ?? 'nothing'}, the note held ${this.word}` };
  }

  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}

export class RecallEnv implements Environment {
  readonly name = 'recall';
  readonly version = '1.0.0';
  readonly capabilities = ['candidates'];

  /** `kinds`: let the seed make some tasks unfailable (≡ 0 mod 3) and some unsolvable (≡ 1). */
  constructor(private readonly options: { kinds?: boolean } = {}) {}

  families(): TaskFamily[] {
    return families;
  }

  tools(): ToolSpec[] {
    return tools;
  }

  async reset(spec: EpisodeSpec): Promise<Session> {
    const rng = new Rng(spec.seed * 2 + (spec.split === 'test' ? 1 : 0));
    const offered = rng.shuffle(WORDS).slice(0, 4);
    const kind: Kind = !this.options.kinds ? 'normal' : (['any', 'none', 'normal'] as const)[spec.seed % 3]!;
    // An unsolvable task's note holds a word no answer offers.
    const word = kind === 'none' ? WORDS.find((w) => !offered.includes(w))! : rng.pick(offered);
    return new RecallSession(`${spec.split}-${spec.seed}`, word, offered, kind);
  }

  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}
