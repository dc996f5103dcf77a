// The code env for real: its image, in a hardened container, through the docker runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEnvConforms } from '@workgym/protocol';
import { infeasibleSeed } from '@workgym/protocol/kit';
import { connectDocker, DockerRuntime, LABEL_RUN, type EnvInstance } from '@workgym/runtime';
import { CodeEnv } from '../src/index.js';
import { call, codeSpec, errorKind, open } from './helpers.js';

const runtime = new DockerRuntime({ runId: `test-code-${process.pid}` });
let instance: EnvInstance;

beforeAll(async () => {
  instance = await runtime.start(await codeSpec(), { callDeadlineMs: 120_000 });
});

afterAll(async () => {
  await instance?.close();
  const left = await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
  expect(left).toEqual([]);
});

describe('code env in its container', () => {
  it('passes the conformance suite on every family (seed 1; experts.test.ts plays seed 3 in process)', { timeout: 900_000 }, async () => {
    // Relaxations and guesses run in process in experts.test.ts (the same judge): here the
    // container plays the relaxations of one seed.
    const report = await assertEnvConforms(instance.client, { seeds: [1], relaxationSeeds: [1], guessSeeds: [] });
    const families = new CodeEnv().families().length;
    expect(report.results.filter((r) => r.check === 'expert solves the task')).toHaveLength(families);
  });

  it('runs agent commands as an unprivileged user and the server as root with only SETUID, SETGID, KILL, DAC_OVERRIDE and FOWNER', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const text = await ep.bash('id -u; grep CapEff /proc/self/status; grep CapEff /proc/$(pgrep -xo node)/status; pgrep -xo node | xargs ps -o user= -p');
    // Bits 1 (DAC_OVERRIDE), 3 (FOWNER), 5 (KILL), 6 (SETGID), 7 (SETUID).
    expect(text).toMatch(/stdout ---\n20000\nCapEff:\s+0{16}\nCapEff:\s+0{14}ea\nroot/);
    await ep.close();
  });

  it('reports exit code, stdout and stderr separately', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const text = await ep.bash('echo out; echo err >&2; exit 3');
    expect(text).toMatch(/^exit code 3 \(\d+ ms\)\n--- stdout ---\nout\n--- stderr ---\nerr$/);
    await ep.close();
  });

  it('cuts a 100 MB print to its head and tail, saying how much was cut, and keeps the raw size', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const reply = await ep.step('bash', { command: "echo START; head -c 100000000 /dev/zero | tr '\\0' x; echo; echo END" });
    const text = reply.observation!.text;
    expect(Number(reply.observation!.rawSize)).toBe(100_000_011);
    expect(text.length).toBeLessThan(20_000);
    expect(text).toMatch(/^exit code 0/);
    expect(text).toContain('START');
    expect(text).toMatch(/\[\.\.\. 99,984,011 bytes cut \.\.\.\]/);
    expect(text.trimEnd().endsWith('END')).toBe(true);
    await ep.close();
  });

  it('kills an infinite loop and everything it started, detached or not, at the timeout, with kind timeout', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const reply = await ep.step('bash', { command: 'sleep 1000 & setsid sleep 1001 & echo looping; while true; do :; done', timeout_s: 2 });
    expect(errorKind(reply)).toBe('timeout');
    expect(reply.observation!.text).toContain('looping');
    expect(reply.terminated || reply.truncated).toBe(false);
    expect(await ep.bash('pgrep -u agent -x sleep || echo none')).toContain('none');
    await ep.close();
  });

  it('ends every process a command started when the command ends, however it detached', { timeout: 120_000 }, async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const started = await ep.bash(
      'sleep 900 & (setsid sleep 901 &); nohup sleep 902 >/dev/null 2>&1 & disown; ' +
        "python3 -c \"import os\nif os.fork() == 0:\n os.setsid()\n if os.fork() == 0: os.execvp('sleep', ['sleep', '903'])\" ; " +
        // Wait (generously, for a loaded machine) until all four run.
        'for i in $(seq 300); do [ "$(pgrep -u agent -c -x sleep)" = 4 ] && break; sleep 0.1; done; pgrep -u agent -c -x sleep',
      60,
    );
    expect(started).toMatch(/stdout ---\n4$/);
    expect(await ep.bash('pgrep -u agent -x sleep || echo none')).toMatch(/stdout ---\nnone$/);
  });

  it('contains a fork bomb: the next command of the episode starts at once, and no process of the bomb is left', { timeout: 120_000 }, async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const bomb = await ep.step('bash', { command: 'bomb() { bomb | bomb & }; bomb; sleep 2; echo launched', timeout_s: 10 });
    expect(bomb.results[0]!.text.length).toBeGreaterThan(0);
    // Every agent process but this command's shell and its children (ps, awk, grep) is gone.
    const after = await ep.bash("echo alive; ps -u agent -o pid=,ppid=,comm= | awk -v me=$$ '$1 != me && $2 != me' | grep . || echo none-left");
    expect(after).toMatch(/stdout ---\nalive\nnone-left$/);
    await expect(instance.client.hello()).resolves.toMatchObject({ name: 'code' });
  });

  it('lets the kernel kill a memory hog, not the server', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const text = await ep.bash('python3 -c "b = bytearray(b\'x\' * (3 * 1024 ** 3)); print(len(b))"', 60);
    expect(text).toMatch(/killed by SIGKILL|exit code 137|MemoryError/);
    expect(await ep.bash('echo alive')).toContain('alive');
    expect(instance.alive).toBe(true);
    await ep.close();
  });

  it('stops a disk filler at the workspace size and reports it', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const text = await ep.bash('head -c 400000000 /dev/zero > big.bin; echo rc=$?');
    expect(text).toMatch(/No space left on device/);
    const write = await ep.step('write_file', { path: 'more.txt', content: 'x'.repeat(100_000) });
    expect(errorKind(write)).toBe('failed');
    expect(write.observation!.text).toMatch(/no space left/);
    expect(await ep.bash('rm big.bin && echo freed')).toContain('freed');
    await ep.close();
  });

  it('has no network', async () => {
    const ep = await open(instance.client, 'code/py-fix-bug');
    const text = await ep.bash('ls /sys/class/net; python3 -c "import socket; s = socket.socket(); s.settimeout(3); s.connect((\'1.1.1.1\', 53))"');
    expect(text).toMatch(/stdout ---\nlo\n/);
    expect(text).toMatch(/Network is unreachable|ENETUNREACH/);
    await ep.close();
  });

  it("keeps the hidden checks, the judge directory and the server out of the agent's reach", async () => {
    const family = 'code/sh-log-report';
    const hidden = new CodeEnv().instance(family, 1).check;
    expect(hidden.kind).toBe('runs');
    const marker = hidden.kind === 'runs' && hidden.suite.kind === 'script' ? hidden.suite.inputs[2]!.split('\n')[3]! : '';
    expect(marker.length).toBeGreaterThan(20);
    const ep = await open(instance.client, family);
    const text = await ep.bash(
      `cat /opt/workgym/server.mjs; ls /judge; cat /proc/$(pgrep -xo node)/environ; ` +
        `grep -rlF '${marker}' / --exclude-dir=proc --exclude-dir=sys 2>/dev/null | head -3; echo "grep=$?"; ` +
        `kill -9 $(pgrep -xo node); kill -9 1; echo done`,
    );
    expect(text).toMatch(/server\.mjs: Permission denied/);
    expect(text).toMatch(/cannot open directory '\/judge': Permission denied/);
    expect(text).toMatch(/environ: Permission denied/);
    expect(text).toMatch(/stdout ---\ngrep=0\ndone/);
    expect(text).toMatch(/Operation not permitted/);
    // kill -1 reaches every process the agent may signal: its own, never the server's.
    const killAll = await ep.bash('sleep 300 & kill -9 -1; sleep 0.2; pgrep -u agent -x sleep || echo sleep-killed');
    expect(killAll).toContain('sleep-killed');
    await expect(instance.client.hello()).resolves.toMatchObject({ name: 'code' });
    await ep.close();
  });

  it('turns bad paths, missing files, ambiguous edits and huge arguments into error observations; the episode goes on', async () => {
    const ep = await open(instance.client, 'code/py-implement-function');
    await ep.bash('ln -s /etc escape && printf "a\\na\\n" > twice.txt');
    const cases: [string, object, string][] = [
      ['read_file', { path: '../etc/passwd' }, 'out_of_bounds'],
      ['read_file', { path: '/etc/passwd' }, 'out_of_bounds'],
      ['read_file', { path: 'escape/passwd' }, 'out_of_bounds'],
      ['write_file', { path: '/tmp/x', content: 'x' }, 'out_of_bounds'],
      ['list_files', { path: '..' }, 'out_of_bounds'],
      ['read_file', { path: 'missing.py' }, 'not_found'],
      ['edit_file', { path: 'missing.py', old: 'a', new: 'b' }, 'not_found'],
      ['edit_file', { path: 'twice.txt', old: 'a', new: 'b' }, 'invalid_arguments'],
      ['edit_file', { path: 'twice.txt', old: 'zzz', new: 'b' }, 'invalid_arguments'],
      ['read_file', { path: 'solution.py', start_line: 'one' }, 'invalid_arguments'],
      ['write_file', { path: 'big.txt', content: 'x'.repeat(1_100_000) }, 'arguments_too_large'],
    ];
    for (const [name, args, kind] of cases) {
      const reply = await ep.step(name, args);
      expect(errorKind(reply), `${name} ${JSON.stringify(args).slice(0, 80)}`).toBe(kind);
      expect(reply.terminated || reply.truncated).toBe(false);
    }
    const malformed = await instance.client.step(ep.session, [{ id: 'm', name: 'bash', argumentsJson: '{"command": ' }]);
    expect(errorKind(malformed)).toBe('invalid_arguments');
    expect(errorKind(await instance.client.step(ep.session, [call('rm_rf', {})]))).toBe('unknown_tool');
    expect((await ep.step('read_file', { path: 'solution.py', start_line: 1, end_line: 1 })).observation!.text).toMatch(
      /^solution\.py \(lines 1-1 of \d+\)\ndef /,
    );
    await ep.close();
  });

  it('starts each episode clean: no files, processes, IPC objects or environment from the one before', async () => {
    const first = await open(instance.client, 'code/py-fix-bug', 1);
    const listing = await first.bash('ls -A; env | sort');
    await first.bash(
      'echo leak > leaked.txt; echo leak > /tmp/leak; echo leak > /dev/shm/leak; echo "export LEAK=1" >> ~/.bashrc; ' +
        'mkdir -p locked/inner && chmod 500 locked; chmod 700 /workspace; chmod 777 ~; ipcmk -M 4096 >/dev/null; echo started',
    );
    // A session closed while its command runs: the command dies with it.
    const running = first.step('bash', { command: '(setsid sleep 900 &); sleep 901', timeout_s: 60 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await first.close();
    await running;
    const second = await open(instance.client, 'code/py-fix-bug', 1);
    const probe = await second.bash('ls -A /tmp /dev/shm ~; stat -c %a /workspace ~; pgrep -u agent sleep || echo no-sleep; ipcs -m | grep -c agent || true');
    expect(probe).not.toContain('leak');
    expect(probe).toContain('755\n700');
    expect(probe).toContain('no-sleep');
    expect(probe).toMatch(/\n0$/);
    const again = await second.bash('ls -A; env | sort');
    expect(again.replace(/\(\d+ ms\)/, '')).toBe(listing.replace(/\(\d+ ms\)/, ''));
    await second.close();
  });

  it("fails the visible tests before the fix and passes them after the expert's changes", async () => {
    for (const family of ['code/py-implement-function', 'code/js-implement-function', 'code/py-fix-bug', 'code/js-fix-bug', 'code/py-add-feature']) {
      // Two seeds with a fix to make: an infeasible seed's expert reports instead.
      for (const seed of [1, 2, 3].filter((s) => !infeasibleSeed(family, 'train', s)).slice(0, 2)) {
        const ep = await open(instance.client, family, seed);
        const before = (await ep.step('run_tests')).observation!.text;
        if (!family.endsWith('add-feature')) expect(before, `${family} ${seed}`).toMatch(/^\$ .*\nexit code [1-9]/);
        for (let i = 0; i < 10; i++) {
          const [action] = (await instance.client.expert(ep.session)).calls;
          if (action!.name === 'submit') break;
          const reply = await instance.client.step(ep.session, [action!]);
          if (action!.name === 'run_tests') expect(reply.observation!.text, `${family} ${seed}`).toMatch(/^\$ .*\nexit code 0/);
        }
        await ep.close();
      }
    }
  });

  it('gives candidate actions that a policy can act on, one of which solves the task', async () => {
    for (const family of ['code/py-implement-function', 'code/js-fix-bug', 'code/sql-query', 'code/repo-question', 'code/git-history-question']) {
      const probe = await open(instance.client, family, 3);
      const candidates = probe.reset.observation!.candidates;
      await probe.close();
      expect(candidates.length, family).toBeGreaterThanOrEqual(3);
      let best = 0;
      for (const candidate of candidates.filter((c) => ['write_file', 'edit_file', 'answer'].includes(c.name))) {
        const ep = await open(instance.client, family, 3);
        let reply = await instance.client.step(ep.session, [candidate]);
        expect(reply.results[0]!.error, `${family} ${candidate.argumentsJson.slice(0, 60)}`).toBeNull();
        if (!reply.terminated) reply = await ep.step('submit');
        best = Math.max(best, reply.reward);
        await ep.close();
      }
      expect(best, family).toBe(1);
    }
  });
});
