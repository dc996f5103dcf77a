import { ActionError, CallRefusedError, toolCall, type ExpertAction, type Observation, type Session, type StepOutcome, type ToolCall, type ToolSpec, type ValidToolCall, type Verdict } from '@workgym/protocol';
import type { Judge } from './judge/judge.js';
import type { RunResult } from './sandbox/run-command.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { WorkspaceFiles } from './sandbox/workspace-files.js';
import { replaceOnce } from './tasks/function-specs.js';
import type { PlannedCall, TaskInstance } from './tasks/task.js';
import { DEFAULT_TIMEOUT_S, parseArgs, toolSpec, type ToolName } from './tools.js';

const TEST_TIMEOUT_S = 120;

/** One episode in the code sandbox. */
export class CodeSession implements Session {
  readonly tools: readonly ToolSpec[];
  readonly observation: Observation;
  private readonly files: WorkspaceFiles;
  private readonly candidates: ToolCall[];
  private answer: string | undefined;
  private testedSinceChange = false;
  private explored = 0;
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
  ) {
    this.files = new WorkspaceFiles(sandbox);
    const names: ToolName[] = ['bash', 'read_file', 'write_file', 'edit_file', 'list_files'];
    if (instance.testCommand) names.push('run_tests');
    names.push('submit');
    if (instance.check.kind === 'answer') names.push('answer');
    this.tools = names.map(toolSpec);
    this.candidates = (instance.candidates ?? []).map((c, i) => toolCall(c.name, c.arguments, `cand-${i + 1}`));
    const listing = this.files.list('.', 3);
    const text = `Workspace ${this.files.displayRoot}:\n${listing.text}`;
    this.observation = this.observe(text, Buffer.byteLength(text));
  }

  step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    // A step queued behind the one that was in flight at close must not run into the next episode.
    if (this.closed) return Promise.reject(new CallRefusedError('unknown_session', 'the session was closed'));
    return this.track(this.act(call, AbortSignal.any([signal, this.closing.signal])));
  }

  private async act(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    const name = call.name as ToolName;
    switch (name) {
      case 'bash': {
        const args = parseArgs('bash', call.arguments);
        this.testedSinceChange = false;
        return this.shell(args.command, args.timeout_s ?? DEFAULT_TIMEOUT_S, signal);
      }
      case 'read_file': {
        const args = parseArgs('read_file', call.arguments);
        const shown = this.files.read(args.path, args.start_line, args.end_line);
        return { observation: this.observe(shown.text, shown.rawSize) };
      }
      case 'write_file': {
        const args = parseArgs('write_file', call.arguments);
        this.testedSinceChange = false;
        return { observation: this.observe(this.files.write(args.path, args.content)) };
      }
      case 'edit_file': {
        const args = parseArgs('edit_file', call.arguments);
        this.testedSinceChange = false;
        return { observation: this.observe(this.files.edit(args.path, args.old, args.new)) };
      }
      case 'list_files': {
        const args = parseArgs('list_files', call.arguments);
        const shown = this.files.list(args.path, args.depth);
        return { observation: this.observe(shown.text, shown.rawSize) };
      }
      case 'run_tests': {
        if (!this.instance.testCommand) throw new ActionError('unknown_tool', 'this task has no visible tests');
        const outcome = await this.shell(this.instance.testCommand, TEST_TIMEOUT_S, signal, `$ ${this.instance.testCommand}\n`);
        this.testedSinceChange = true;
        return outcome;
      }
      case 'submit':
        return { observation: this.observe('Submitted. The hidden checks run now.'), terminated: true };
      case 'answer': {
        this.answer = parseArgs('answer', call.arguments).text;
        return { observation: this.observe('Answer recorded. The episode ends and the answer is checked.'), terminated: true };
      }
    }
    throw new ActionError('unknown_tool', `no tool named ${call.name}`);
  }

  verify(signal: AbortSignal): Promise<Verdict> {
    return this.track(this.judge.verify(this.instance, this.answer, AbortSignal.any([signal, this.closing.signal])));
  }

  /** The reference solution's next action: explore, then make each file match the reference, test, finish. */
  async expert(): Promise<ExpertAction> {
    const plan = this.instance.expert;
    const next = (c: PlannedCall) => ({ calls: [toolCall(c.name, c.arguments, `expert-${++this.expertCalls}`)], text: '' });
    if (plan.explore && this.explored < plan.explore.length) return next(plan.explore[this.explored++]!);
    const check = this.instance.check;
    if (check.kind === 'answer') return next({ name: 'answer', arguments: { text: plan.answer ?? '' } });
    for (const [path, content] of Object.entries(check.reference)) {
      const current = this.currentContent(path);
      if (current === content) continue;
      const edit = plan.edits?.find((e) => e.path === path && current !== undefined && replaceOnce(current, e.old, e.new) === content);
      if (edit) return next({ name: 'edit_file', arguments: { path, old: edit.old, new: edit.new } });
      return next({ name: 'write_file', arguments: { path, content } });
    }
    if (this.instance.testCommand && !this.testedSinceChange) return next({ name: 'run_tests', arguments: {} });
    return next({ name: 'submit', arguments: {} });
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

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight = work;
    return work;
  }

  private currentContent(path: string): string | undefined {
    return this.files.content(path);
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
  for (const [name, capture] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
    if (capture.totalBytes === 0) continue;
    const cut = capture.cutBytes > 0 ? `, ${capture.totalBytes.toLocaleString('en-US')} bytes, ${capture.cutBytes.toLocaleString('en-US')} cut from the middle` : '';
    lines.push(`--- ${name}${cut} ---`, capture.text().replace(/\n$/, ''));
  }
  if (result.stdout.totalBytes === 0 && result.stderr.totalBytes === 0) lines.push('(no output)');
  return lines.join('\n');
}
