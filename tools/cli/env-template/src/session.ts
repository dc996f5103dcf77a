import { ActionError, type Observation, type Session, type StepOutcome, type ToolSpec, type ValidToolCall, type Verdict } from '@workgym/protocol';
import { candidateCalls, expertAction } from '@workgym/protocol/kit';
import type { NotesTask } from './tasks/find-code.js';
import { TOOLS } from './tools.js';

/** One episode: the list of notes, then whatever note the agent opens. */
export class NotesSession implements Session {
  readonly tools: readonly ToolSpec[] = TOOLS.specs;
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
    // An error observation the agent sees (and that counts as a step), not a crash.
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
