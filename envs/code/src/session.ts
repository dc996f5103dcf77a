import {
  ActionError,
  CallRefusedError,
  type ExpertAction,
  type Observation,
  type Session,
  type StepOutcome,
  type ToolCall,
  type ToolSpec,
  type ValidToolCall,
  type Verdict,
} from '@workgym/protocol';
import { candidateCalls, expertAction, type People, type StateChange } from '@workgym/protocol/kit';
import type { Judge } from './judge/judge.js';
import type { RunResult } from './sandbox/run-command.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { presentFileChanges } from './sandbox/file-changes.js';
import { workspaceSnapshot } from './sandbox/snapshot.js';
import { WorkspaceFiles } from './sandbox/workspace-files.js';
import { EpisodeHistory } from './tasks/expert/view.js';
import { declaredChanges, expectsChange, type TaskInstance } from './tasks/task.js';
import { DEFAULT_TIMEOUT_S, TOOLS, type ToolName } from './tools.js';

const TEST_TIMEOUT_S = 120;
/** The prefix of a workspace entry's key in `state()`. */
const FILE_KEY = 'file:';
/** `touch`'s change: never through a link, and a file the agent cannot write gets its mode changed instead. */
const TOUCH = `import os, stat, sys
path = sys.argv[1]
st = os.lstat(path)
if stat.S_ISLNK(st.st_mode):
    target = os.readlink(path)
    os.unlink(path)
    os.symlink(target + '.moved', path)
elif stat.S_ISREG(st.st_mode) and os.access(path, os.W_OK):
    with open(path, 'ab') as f:
        f.write(b'\\n# changed\\n')
else:
    os.chmod(path, stat.S_IMODE(st.st_mode) ^ 0o002)
`;

/** One episode in the code sandbox. */
export class CodeSession implements Session {
  readonly tools: readonly ToolSpec[];
  readonly observation: Observation;
  private readonly files: WorkspaceFiles;
  private readonly candidates: ToolCall[];
  /** The workspace paths the task may change (see `declaredChanges`). */
  private readonly changes: readonly string[];
  private answer: string | undefined;
  /** What the episode has shown and done: the expert decides from this and the workspace alone. */
  private readonly history: EpisodeHistory;
  private expertCalls = 0;
  private closed = false;
  /** Aborts the command or judging in flight when the session closes. */
  private readonly closing = new AbortController();
  /** The step or verification in flight: close waits for it, so nothing of it runs into the next episode. */
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    readonly instruction: string,
    private readonly instance: TaskInstance,
    private readonly sandbox: Sandbox,
    private readonly judge: Judge,
    people?: People,
  ) {
    this.files = new WorkspaceFiles(sandbox);
    const names: ToolName[] = ['bash', 'read_file', 'write_file', 'edit_file', 'list_files'];
    if (instance.testCommand) names.push('run_tests');
    names.push('submit');
    if (instance.check.kind === 'answer') names.push('answer');
    this.tools = TOOLS.select(names);
    this.candidates = candidateCalls(instance.candidates);
    this.changes = declaredChanges(instance);
    const listing = this.files.list('.', 3);
    const text = `Workspace ${this.files.displayRoot}:\n${listing.text}`;
    this.observation = this.observe(text, Buffer.byteLength(text));
    const check = instance.check;
    const watched = Object.keys({ ...instance.files, ...('reference' in check ? check.reference : {}) });
    this.history = new EpisodeHistory(
      (path) => this.files.content(path),
      watched,
      (path) => this.files.mode(path),
      people,
    );
    this.history.show(instruction);
    for (const tool of this.tools) this.history.show(`${tool.name} ${tool.description} ${tool.parametersJson}`);
    this.history.show(text);
  }

  step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    // A step queued behind the one that was in flight at close must not run into the next episode.
    if (this.closed) return Promise.reject(new CallRefusedError('unknown_session', 'the session was closed'));
    return this.track(
      this.act(call, AbortSignal.any([signal, this.closing.signal])).then(
        (outcome) => {
          this.history.record(call, outcome.observation.text ?? '');
          return outcome;
        },
        (error: unknown) => {
          if (error instanceof ActionError) this.history.record(call, `Error (${error.kind}): ${error.message}`, true);
          throw error;
        },
      ),
    );
  }

  private async act(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    const name = call.name as ToolName;
    switch (name) {
      case 'bash': {
        const args = TOOLS.parse('bash', call.arguments);
        return this.shell(args.command, args.timeout_s ?? DEFAULT_TIMEOUT_S, signal);
      }
      case 'read_file': {
        const args = TOOLS.parse('read_file', call.arguments);
        const shown = this.files.read(args.path, args.start_line, args.end_line);
        return { observation: this.observe(shown.text, shown.rawSize) };
      }
      case 'write_file': {
        const args = TOOLS.parse('write_file', call.arguments);
        return { observation: this.observe(this.files.write(args.path, args.content)) };
      }
      case 'edit_file': {
        const args = TOOLS.parse('edit_file', call.arguments);
        return { observation: this.observe(this.files.edit(args.path, args.old, args.new)) };
      }
      case 'list_files': {
        const args = TOOLS.parse('list_files', call.arguments);
        const shown = this.files.list(args.path, args.depth);
        return { observation: this.observe(shown.text, shown.rawSize) };
      }
      case 'run_tests': {
        if (!this.instance.testCommand) throw new ActionError('unknown_tool', 'this task has no visible tests');
        return this.shell(this.instance.testCommand, TEST_TIMEOUT_S, signal, `$ ${this.instance.testCommand}\n`);
      }
      case 'submit':
        return { observation: this.observe('Submitted. The hidden checks run now.'), terminated: true };
      case 'answer': {
        this.answer = TOOLS.parse('answer', call.arguments).text;
        return { observation: this.observe('Answer recorded. The episode ends and the answer is checked.'), terminated: true };
      }
    }
    throw new ActionError('unknown_tool', `no tool named ${call.name}`);
  }

  verify(signal: AbortSignal): Promise<Verdict> {
    return this.track(this.judge.verify(this.instance, this.answer, AbortSignal.any([signal, this.closing.signal])));
  }

  /**
   * Everything of the task's world an agent can change: the workspace tree (`file:<path>` ->
   * type, mode and sha256; see `workspaceSnapshot`). Every family's state lives there (the IT
   * families' crontab, passwd and service config are workspace files); HOME and /tmp are
   * scratch space that every reset wipes and no verifier reads, so an agent's scratch files
   * there change nothing of the task. Read as the server (root in the container, so modes the
   * agent closed hide nothing) while no agent process runs: every command's processes die with it.
   */
  async state(): Promise<Record<string, string>> {
    await this.inFlight.catch(() => undefined);
    return workspaceSnapshot(this.sandbox.layout.workspace);
  }

  /** Workspace changes with small text files' text at both ends instead of their hashes (`presentFileChanges`). */
  async presentChanges(changes: StateChange[]): Promise<StateChange[]> {
    await this.inFlight.catch(() => undefined);
    return presentFileChanges(changes, this.instance.files, this.sandbox);
  }

  /** Whether the task expects the state at `key` to change: a workspace path it declares (`declaredChanges`). */
  expectsChange(key: string): boolean {
    return key.startsWith(FILE_KEY) && expectsChange(this.changes, key.slice(FILE_KEY.length));
  }

  /**
   * Changes the workspace entry at `key` as the agent, with a command like any of its own (so
   * the same in both sandboxes): a regular file gets a line appended, a link another target, a
   * directory or anything else its others-write bit flipped.
   */
  async touch(key: string): Promise<void> {
    if (!key.startsWith(FILE_KEY)) throw new Error(`${key} is not a workspace path`);
    await this.inFlight.catch(() => undefined);
    const argv = ['python3', '-I', '-c', TOUCH, key.slice(FILE_KEY.length)];
    const result = await this.track(this.sandbox.run('agent', { argv, cwd: this.sandbox.layout.workspace, timeoutMs: 10_000, signal: this.closing.signal }));
    if (result.exitCode !== 0) throw new Error(`could not change ${key}: ${result.stderr.text()}`);
  }

  /**
   * The expert's next action at this state, following `strategy` (or one of the family's
   * near-misses): decided from the workspace and what the episode has shown, so it carries on
   * from whatever another policy did before.
   */
  async expert(_signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    return expertAction(this.instance.expert(this.history, strategy), `expert-${++this.expertCalls}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Nothing the agent started keeps running (or burning CPU) between episodes, and nothing
    // of this session (a command's end, a judge run) may still act once the next one starts.
    this.closing.abort();
    await this.inFlight.catch(() => undefined);
    await this.sandbox.killAll('agent');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight = work;
    return work;
  }

  private observe(text: string, rawSize = Buffer.byteLength(text)): Observation {
    return { text, rawSize, candidates: this.candidates };
  }

  private async shell(command: string, timeoutS: number, signal: AbortSignal, prefix = ''): Promise<StepOutcome> {
    const argv = ['/bin/bash', '-c', command];
    let result: RunResult;
    try {
      result = await this.sandbox.run('agent', { argv, cwd: this.sandbox.layout.workspace, timeoutMs: timeoutS * 1000, signal });
    } catch (error) {
      throw new ActionError('failed', `the command could not start: ${(error as Error).message}`);
    }
    const body = prefix + formatResult(result);
    const rawSize = result.stdout.totalBytes + result.stderr.totalBytes;
    if (result.timedOut) {
      throw new ActionError('timeout', `the command ran past its ${timeoutS} s limit; it and every process it started were killed.\n${body}`);
    }
    return { observation: this.observe(body, rawSize) };
  }
}

function formatResult(result: RunResult): string {
  const status = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
  const lines = [`${status} (${Math.round(result.durationMs)} ms)`];
  for (const [name, capture] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    if (capture.totalBytes === 0) continue;
    const cut =
      capture.cutBytes > 0 ? `, ${capture.totalBytes.toLocaleString('en-US')} bytes, ${capture.cutBytes.toLocaleString('en-US')} cut from the middle` : '';
    lines.push(`--- ${name}${cut} ---`, capture.text().replace(/\n$/, ''));
  }
  if (result.stdout.totalBytes === 0 && result.stderr.totalBytes === 0) lines.push('(no output)');
  return lines.join('\n');
}
