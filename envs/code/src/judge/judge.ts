import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Verdict } from '@workgym/protocol';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { HiddenCheck, Suite, TaskInstance } from '../tasks/task.js';
import { normalizeAnswer, normalizeOutput, sameValue } from './compare.js';
import { JS_HARNESS, PYTHON_HARNESS } from './harnesses.js';

type Result = unknown;
const MAX_OUTPUT_FILE = 5 * 1024 * 1024;

/**
 * Runs the hidden checks after an episode. The agent's processes are killed first; the hidden
 * cases exist only in this process until now and are written only into the judge's private
 * directory. The reference solution and the untouched starting workspace run first, then a
 * copy of the agent's workspace, each in a fresh directory, as the judge user.
 */
export class Judge {
  private runs = 0;

  constructor(private readonly sandbox: Sandbox) {}

  async verify(instance: TaskInstance, answer: string | undefined, signal: AbortSignal): Promise<Verdict> {
    await this.sandbox.killAll('agent');
    const check = instance.check;
    if (check.kind === 'answer') return this.verifyAnswer(check.accept, answer);
    await this.sandbox.clean('judge');
    try {
      const starting = instance.files;
      const reference = await this.run(check.suite, (dir) => this.sandbox.writeFiles('judge', dir, { ...starting, ...check.reference }), signal);
      const original = await this.run(check.suite, (dir) => this.sandbox.writeFiles('judge', dir, starting), signal);
      const agent = await this.run(check.suite, (dir) => this.copyWorkspace(dir), signal);
      return score(check, reference, original, agent);
    } finally {
      await this.sandbox.clean('judge');
    }
  }

  private verifyAnswer(accept: string[], answer: string | undefined): Verdict {
    const root = this.sandbox.layout.workspace;
    const ok = answer !== undefined && accept.some((a) => normalizeAnswer(a, root) === normalizeAnswer(answer, root));
    const detail = answer === undefined ? 'no answer was given' : ok ? 'the answer is correct' : `the answer ${JSON.stringify(answer.slice(0, 200))} is wrong`;
    return { reward: ok ? 1 : 0, success: ok, components: { answer: ok ? 1 : 0 }, detail };
  }

  private async copyWorkspace(dir: string): Promise<void> {
    // cp as the judge: it reads what the agent left readable and can write only its own copy.
    await this.sandbox.run('judge', { argv: ['cp', '-R', `${this.sandbox.layout.workspace}/.`, `${dir}/`], cwd: dir, timeoutMs: 60_000 });
  }

  private async run(suite: Suite, populate: (dir: string) => void | Promise<void>, signal: AbortSignal): Promise<Result[]> {
    const dir = join(this.sandbox.layout.judge, `run-${++this.runs}`);
    this.sandbox.as('judge', () => mkdirSync(dir, { recursive: true }));
    try {
      await populate(dir);
      return suite.kind === 'script' ? await this.runScript(suite, dir, signal) : await this.runCalls(suite, dir, signal);
    } finally {
      await this.sandbox.killAll('judge');
      this.sandbox.as('judge', () => rmSync(dir, { recursive: true, force: true }));
    }
  }

  private async runCalls(suite: Extract<Suite, { kind: 'python-calls' | 'js-calls' }>, dir: string, signal: AbortSignal): Promise<Result[]> {
    const python = suite.kind === 'python-calls';
    const harness = python ? '.workgym_harness.py' : '.workgym_harness.mjs';
    const nonce = randomBytes(12).toString('hex');
    this.sandbox.writeFiles('judge', dir, {
      [harness]: python ? PYTHON_HARNESS : JS_HARNESS,
      '.workgym_cases.json': JSON.stringify({ prelude: suite.prelude, cases: suite.cases }),
    });
    const argv = python ? ['python3', '-I', '-B', harness, nonce, '.workgym_cases.json'] : ['node', harness, nonce, '.workgym_cases.json'];
    const result = await this.sandbox.run('judge', { argv, cwd: dir, timeoutMs: 60_000, signal, keepBytes: { head: 16 * 1024 * 1024, tail: 0 } });
    const results: Result[] = new Array<Result>(suite.cases.length).fill(undefined);
    const seen = new Set<number>();
    for (const line of result.stdout.text().split('\n')) {
      if (!line.startsWith(`${nonce} `)) continue;
      const rest = line.slice(nonce.length + 1);
      const space = rest.indexOf(' ');
      const index = Number(rest.slice(0, space));
      if (!Number.isInteger(index) || index < 0 || index >= results.length || seen.has(index)) continue;
      seen.add(index);
      try {
        results[index] = JSON.parse(rest.slice(space + 1));
      } catch {
        // a garbled line counts as no result
      }
    }
    return results;
  }

  private async runScript(suite: Extract<Suite, { kind: 'script' }>, dir: string, signal: AbortSignal): Promise<Result[]> {
    const results: Result[] = [];
    const input = join(dir, suite.inputPath);
    const output = join(dir, suite.outputPath);
    for (const content of suite.inputs) {
      this.sandbox.as('judge', () => {
        rmSync(output, { force: true });
        mkdirSync(dirname(input), { recursive: true });
        writeFileSync(input, content);
      });
      await this.sandbox.run('judge', { argv: ['/bin/sh', '-c', suite.command], cwd: dir, timeoutMs: 20_000, signal });
      await this.sandbox.killAll('judge');
      results.push(
        this.sandbox.as('judge', () => {
          try {
            if (statSync(output).size > MAX_OUTPUT_FILE) return '<output too large>';
            return normalizeOutput(readFileSync(output, 'utf8'));
          } catch {
            return undefined;
          }
        }),
      );
    }
    return results;
  }
}

function score(check: Extract<HiddenCheck, { kind: 'runs' }>, reference: Result[], original: Result[], agent: Result[]): Verdict {
  const usable = reference.map((_, i) => i).filter((i) => reference[i] !== undefined);
  // Cases the untouched workspace already passes only guard against regressions: an agent
  // that changes nothing passes none of the rest, so it scores exactly 0.
  const hidden = usable.filter((i) => !sameValue(reference[i], original[i]));
  const regression = usable.filter((i) => sameValue(reference[i], original[i]));
  const passes = (i: number) => agent[i] !== undefined && sameValue(agent[i], reference[i]);
  const hiddenPassed = hidden.filter(passes).length;
  const regressionPassed = regression.filter(passes).length;
  const components: Record<string, number> = {};
  if (hidden.length > 0) components.hidden_tests = hiddenPassed / hidden.length;
  if (regression.length > 0) components.regression_tests = regressionPassed / regression.length;
  const reward = hidden.length === 0 ? 0 : (components.hidden_tests ?? 0) * (components.regression_tests ?? 1);
  const failed = usable.find((i) => !passes(i));
  const parts = [`${hiddenPassed}/${hidden.length} hidden tests pass`];
  if (regression.length > 0) parts.push(`${regressionPassed}/${regression.length} regression tests pass`);
  if (usable.length < reference.length) parts.push(`${reference.length - usable.length} case(s) skipped: the reference gave no result`);
  if (failed !== undefined) {
    const what = check.suite.kind === 'script' ? `input #${failed + 1}` : clip(check.suite.cases[failed]!, 160);
    parts.push(`first failure: ${what}: expected ${clip(JSON.stringify(reference[failed]), 200)}, got ${agent[failed] === undefined ? 'no result' : clip(JSON.stringify(agent[failed]), 200)}`);
  }
  return { reward, success: hidden.length > 0 && failed === undefined, components, detail: parts.join('; ') };
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}...`;
}
