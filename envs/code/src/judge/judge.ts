import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, realpathSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Verdict } from '@workgym/protocol';
import { createRegularFile, FileTooLargeError, NotRegularFileError, readRegularFile } from '../sandbox/regular-file.js';
import type { CommandConversation } from '../sandbox/run-command.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { PASSED, type HiddenCheck, type PassTest, type Suite, type TaskInstance } from '../tasks/task.js';
import { normalizeAnswer, normalizeOutput, sameValue } from './compare.js';
import { JS_HARNESS, PYTHON_HARNESS } from './harnesses.js';
import { describeMode, scoreAnswer, scoreModes, scorePasses, scoreRuns, scoreState, type PassRun, type RunResult } from './score.js';

type Result = RunResult;
type CallSuite = Extract<Suite, { kind: 'python-calls' | 'js-calls' }>;
type ScriptSuite = Extract<Suite, { kind: 'script' }>;
type PassesCheck = Extract<HiddenCheck, { kind: 'passes' }>;
type RunsCheck = Extract<HiddenCheck, { kind: 'runs' }>;
type StateCheck = Extract<HiddenCheck, { kind: 'state' }>;

const MAX_OUTPUT_FILE = 5 * 1024 * 1024;
// What a failing check command printed is kept in the verdict's detail, for the task's author.
const FAILURE_OUTPUT_CHARS = 600;
const PRELUDE_SECONDS = 10;
const CASE_SECONDS = 5;
// The harness times each case out itself; the judge gives up on an answer this much later
// (judged code may block the harness's alarm), and on the whole run after RUN_TIMEOUT_MS.
const ANSWER_SLACK_MS = 10_000;
const RUN_TIMEOUT_MS = 60_000;

// Instances whose reference and starting results are kept (a seed replayed: conformance, groups of rollouts).
const KNOWN_INSTANCES = 32;

/** The judged process stopped answering: the cases not yet asked get no result. */
class NoAnswer extends Error {}

/**
 * Runs the hidden checks after an episode. The agent's processes are killed first. The
 * reference solution, the untouched starting workspace and a copy of the agent's workspace
 * then run one after another, each in a fresh directory, as the judge user, which holds
 * nothing secret: the harness comes on the command line, the cases one at a time over a pipe
 * (each only once the one before is answered), hidden inputs one at a time, and the expected
 * results stay in this process. Nothing the judged code leaves is opened unless it is a
 * regular file inside its directory, and never more than a size cap of it.
 */
export class Judge {
  private runs = 0;
  /**
   * The reference's and the starting files' results per instance: they depend on nothing the
   * agent does, so a replayed seed runs the agent's cases only. Kept only when the reference
   * answered every case (a run cut short by a loaded machine is not remembered).
   */
  private readonly known = new Map<string, { reference: Result[]; original: Result[] }>();

  constructor(private readonly sandbox: Sandbox) {}

  /** The family's verdict; the files the task does not ask to change are the kit's `no_collateral`, judged on the session's state. */
  async verify(instance: TaskInstance, answer: string | undefined, signal: AbortSignal): Promise<Verdict> {
    await this.sandbox.killAll('agent');
    const check = instance.check;
    try {
      if (check.kind === 'passes') return await this.verifyPasses(instance.files, check, signal);
      if (check.kind === 'modes') return this.verifyModes(instance, check.expected);
      if (check.kind === 'state') return await this.verifyState(check, signal);
      if (check.kind === 'answer') return this.verifyAnswer(check.accept, answer);
      const { reference, original } = await this.fixedRuns(instance.files, check, signal);
      const agent = await this.run(check.suite, (dir) => this.copyWorkspace(dir, signal), signal);
      return scoreRuns(check, reference, original, agent);
    } finally {
      await this.sandbox.clean('judge');
    }
  }

  /** The reference's and the untouched starting files' results, run once per instance (see `known`). */
  private async fixedRuns(starting: Record<string, string>, check: RunsCheck, signal: AbortSignal): Promise<{ reference: Result[]; original: Result[] }> {
    const key = createHash('sha256')
      .update(JSON.stringify([starting, check]))
      .digest('hex');
    const known = this.known.get(key);
    if (known) return known;
    const reference = await this.run(check.suite, (dir) => this.sandbox.writeFiles('judge', dir, { ...starting, ...check.reference }), signal);
    const original = await this.run(check.suite, (dir) => this.sandbox.writeFiles('judge', dir, starting), signal);
    if (reference.every((r) => r !== undefined)) {
      this.known.set(key, { reference, original });
      if (this.known.size > KNOWN_INSTANCES) this.known.delete(this.known.keys().next().value!);
    }
    return { reference, original };
  }

  private verifyAnswer(accept: string[], answer: string | undefined): Verdict {
    const root = this.sandbox.layout.workspace;
    const ok = answer !== undefined && accept.some((a) => normalizeAnswer(a, root) === normalizeAnswer(answer, root));
    return scoreAnswer(ok, answer);
  }

  /**
   * A task judged by the state the agent left: the check's Python reads the workspace in place,
   * as the judge user (who cannot write there), and gives each component its share.
   */
  private async verifyState(check: StateCheck, signal: AbortSignal): Promise<Verdict> {
    const names = Object.keys(check.components);
    const suite: CallSuite = { kind: 'python-calls', prelude: check.prelude, cases: Object.values(check.components) };
    return scoreState(names, await this.runCalls(suite, this.sandbox.layout.workspace, signal));
  }

  /**
   * A permission task: every path the policy moves off its starting mode, read with lstat in the
   * workspace itself (the agent's processes are dead by now), against the expected bits (the
   * kit's `no_collateral` judges every other mode and byte). In the container this runs as the server, which may enter the directories
   * a policy closes to everyone but their owner; a link or a path leading out counts as wrong.
   */
  private verifyModes(instance: TaskInstance, expected: Readonly<Record<string, number>>): Verdict {
    const root = this.sandbox.layout.workspace;
    const start = instance.modes ?? {};
    const modeNow = (path: string): number | undefined => {
      try {
        const full = join(root, path);
        if (!inside(root, dirname(full))) return undefined;
        const stat = lstatSync(full);
        return stat.isSymbolicLink() ? undefined : stat.mode & 0o7777;
      } catch {
        return undefined;
      }
    };
    const asked = Object.keys(expected).filter((path) => start[path] !== expected[path] && modeNow(path) !== expected[path]);
    return scoreModes(asked.map((path) => `${path} is ${describeMode(modeNow(path))}, not ${describeMode(expected[path])}`));
  }

  /**
   * A task-set task: its own test decides. It runs on the reference solution (so a task whose
   * reference fails says so) and on a copy of the agent's workspace in which every starting
   * file the reference leaves unchanged (visible tests, fixtures) is put back as it was and the
   * hidden files are added: editing or deleting a visible test changes nothing.
   */
  private async verifyPasses(starting: Record<string, string>, check: PassesCheck, signal: AbortSignal): Promise<Verdict> {
    const kept = Object.keys(starting).filter((path) => !(path in check.reference));
    const reference = await this.runPassTest(
      check.test,
      (dir) => this.sandbox.writeFiles('judge', dir, { ...starting, ...check.reference, ...check.hidden }),
      signal,
    );
    const agent = await this.runPassTest(
      check.test,
      async (dir) => {
        await this.copyWorkspace(dir, signal);
        for (const path of kept) await this.place(dir, path, starting[path]);
        for (const [path, content] of Object.entries(check.hidden)) await this.place(dir, path, content);
      },
      signal,
    );
    return scorePasses(reference, agent);
  }

  private async runPassTest(test: PassTest, populate: (dir: string) => void | Promise<void>, signal: AbortSignal): Promise<PassRun> {
    const dir = await this.freshRun(populate);
    if (test.kind === 'python-cases') {
      const results = await this.runCalls({ kind: 'python-calls', prelude: test.prelude, cases: test.cases }, dir, signal, test.seconds);
      const passed = results.map((result) => sameValue(result, { value: PASSED }));
      const failed = passed.indexOf(false);
      return {
        passed,
        failure: failed < 0 ? undefined : `case ${failed + 1} gave ${results[failed] === undefined ? 'no result' : JSON.stringify(results[failed])}`,
      };
    }
    const result = await this.sandbox.run('judge', {
      argv: ['/bin/sh', '-c', test.command],
      cwd: dir,
      timeoutMs: test.timeoutS * 1000,
      signal,
      keepBytes: { head: 2_048, tail: 2_048 },
    });
    const passed = result.exitCode === 0 && !result.timedOut && !result.signal;
    if (passed) return { passed: [true] };
    const status = result.timedOut
      ? `ran past its ${test.timeoutS} s limit`
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with ${result.exitCode}`;
    const output = `${result.stdout.text()}${result.stderr.text()}`.trim().slice(-FAILURE_OUTPUT_CHARS);
    return { passed: [false], failure: `the check command ${status}${output ? `: ${output}` : ''}` };
  }

  private async copyWorkspace(dir: string, signal: AbortSignal): Promise<void> {
    // cp as the judge: it reads what the agent left readable and writes only its own copy; it
    // recreates FIFOs and links without opening them.
    await this.sandbox.run('judge', { argv: ['cp', '-R', `${this.sandbox.layout.workspace}/.`, `${dir}/`], cwd: dir, timeoutMs: RUN_TIMEOUT_MS, signal });
  }

  /** One run in a fresh directory: whatever the run before left (files, processes) is gone first. */
  private async run(suite: Suite, populate: (dir: string) => void | Promise<void>, signal: AbortSignal): Promise<Result[]> {
    const dir = await this.freshRun(populate);
    return suite.kind === 'script' ? this.runScript(suite, dir, signal) : this.runCalls(suite, dir, signal);
  }

  /** A fresh directory for one run, filled by `populate`: whatever the run before left (files, processes) is gone first. */
  private async freshRun(populate: (dir: string) => void | Promise<void>): Promise<string> {
    await this.sandbox.clean('judge');
    const dir = join(this.sandbox.layout.judge, `run-${++this.runs}`);
    this.sandbox.as('judge', () => mkdirSync(dir));
    await populate(dir);
    return dir;
  }

  private async runCalls(suite: CallSuite, dir: string, signal: AbortSignal, caseSeconds = CASE_SECONDS): Promise<Result[]> {
    const python = suite.kind === 'python-calls';
    const nonce = randomBytes(12).toString('hex');
    const argv = python ? ['python3', '-I', '-B', '-c', PYTHON_HARNESS, nonce] : ['node', '--input-type=module', '-e', JS_HARNESS, nonce];
    const results: Result[] = new Array<Result>(suite.cases.length).fill(undefined);
    const converse = async (io: CommandConversation) => {
      const prelude = await ask(io, nonce, 'prelude', suite.prelude, PRELUDE_SECONDS);
      if (prelude && typeof prelude === 'object' && 'error' in prelude) {
        results.fill({ error: `prelude ${String(prelude.error)}` });
        return;
      }
      for (const [index, expression] of suite.cases.entries()) results[index] = await ask(io, nonce, String(index), expression, caseSeconds);
    };
    await this.sandbox.run('judge', { argv, cwd: dir, timeoutMs: RUN_TIMEOUT_MS, signal, converse, keepBytes: { head: 4_096, tail: 4_096 } });
    return results;
  }

  private async runScript(suite: ScriptSuite, dir: string, signal: AbortSignal): Promise<Result[]> {
    const results: Result[] = [];
    for (const content of suite.inputs) {
      try {
        await this.place(dir, suite.inputPath, content);
        await this.place(dir, suite.outputPath, undefined);
      } catch {
        // The judged code left no room for the input (it filled the judge's disk, say): no result.
        results.push(undefined);
        continue;
      }
      await this.sandbox.run('judge', { argv: ['/bin/sh', '-c', suite.command], cwd: dir, timeoutMs: 20_000, signal });
      results.push(this.readOutput(dir, suite.outputPath));
    }
    return results;
  }

  /**
   * Makes `path` (relative to the run's directory) hold `content`, or nothing: every directory
   * on the way becomes a real, writable directory, and whatever sat at the path (a FIFO, a
   * link, a tree the judged code made) is removed first.
   */
  private async place(dir: string, path: string, content: string | undefined): Promise<void> {
    // The judge user owns the whole tree (it made the copy), so it may restore any mode in it.
    this.sandbox.as('judge', () => chmodSync(dir, 0o755));
    const parts = path.split('/');
    let at = dir;
    for (const part of parts.slice(0, -1)) {
      at = join(at, part);
      const where = at;
      const existing = await this.removeUnless(where, (stat) => stat.isDirectory());
      this.sandbox.as('judge', () => (existing ? chmodSync(where, 0o755) : mkdirSync(where)));
    }
    const target = join(at, parts[parts.length - 1]!);
    await this.removeUnless(target, () => false);
    if (content !== undefined) this.sandbox.as('judge', () => createRegularFile(target, content));
  }

  /** Removes what is at `path` unless `keep` accepts it; says whether something is (still) there. */
  private async removeUnless(path: string, keep: (stat: Stats) => boolean): Promise<boolean> {
    const stat = this.sandbox.as('judge', () => lstatOrUndefined(path));
    if (!stat) return false;
    if (keep(stat)) return true;
    if (stat.isDirectory()) await this.sandbox.removePaths([path]);
    else this.sandbox.as('judge', () => unlinkSync(path));
    return false;
  }

  /** The script's output: a regular file inside the run's directory, at most MAX_OUTPUT_FILE bytes. */
  private readOutput(dir: string, path: string): Result {
    return this.sandbox.as('judge', () => {
      const full = join(dir, path);
      try {
        if (!inside(dir, dirname(full))) return '<output is not a regular file>';
        return normalizeOutput(readRegularFile(full, MAX_OUTPUT_FILE).toString('utf8'));
      } catch (error) {
        if (error instanceof NotRegularFileError) return '<output is not a regular file>';
        if (error instanceof FileTooLargeError) return '<output too large>';
        return undefined;
      }
    });
  }
}

/**
 * Sends one request and waits for its answer: the value, an error, or undefined for a garbled
 * answer. Lines of other tags (stale, or printed by the judged code) are skipped; no answer
 * in time ends the run.
 */
async function ask(io: CommandConversation, nonce: string, tag: string, code: string, seconds: number): Promise<Result> {
  io.send(JSON.stringify({ tag, code, exec: tag === 'prelude', seconds }));
  const deadline = Date.now() + seconds * 1000 + ANSWER_SLACK_MS;
  const prefix = `${nonce} ${tag} `;
  for (;;) {
    const line = await io.nextLine(deadline - Date.now());
    if (line === undefined) throw new NoAnswer(`no answer to ${tag}`);
    if (!line.startsWith(prefix)) continue;
    try {
      return JSON.parse(line.slice(prefix.length)) as Result;
    } catch {
      return undefined;
    }
  }
}

/** Whether `path` resolves to `dir` or below it (the judged code may have replaced a directory on the way by a link out of its tree). */
function inside(dir: string, path: string): boolean {
  const root = realpathSync(dir);
  const resolved = realpathSync(path);
  return resolved === root || resolved.startsWith(root + sep);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
