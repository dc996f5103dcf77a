import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv } from '@workgym/protocol';
import { DockerRuntime, LABEL_RUN, manifestServerSpec, type EnvInstance } from '@workgym/runtime';
import { manifest } from '../src/index.js';
import { call, idOf } from './helpers.js';

/** Families checked at once: the container serves four sessions (the manifest's sessionsPerContainer). */
const LANES = 3;
const runtime = new DockerRuntime({ runId: `test-browser-${process.pid}` });
let instance: EnvInstance | undefined;

beforeAll(async () => {
  instance = await runtime.start(await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-test') }));
}, 600_000);

afterAll(async () => {
  await instance?.close();
});

describe('browser env in its hardened container', () => {
  it('passes the conformance suite with Chromium inside the container (no network, read-only root, non-root)', async () => {
    // Seed 1 here and seed 2 in-process (conformance.test.ts) are the families' two conformance
    // seeds. Relaxations and guesses are the env's own code whichever process serves it: they play
    // in-process there (and on 20 and 50 seeds in shaped-rewards.unit.test.ts and `workgym check`).
    // Families in lanes, as the container's sessions allow: an episode mostly waits on Chromium.
    // One block of four seeds holds one infeasible seed, whose state snapshots the container takes.
    const { families } = await instance!.client.listTasks();
    const lanes = Array.from({ length: LANES }, (_, lane) => families.filter((_, i) => i % LANES === lane).map((f) => f.id));
    const options = { seeds: [1], relaxationSeeds: [], guessSeeds: [], infeasibleSeeds: [4, 5, 6, 7] };
    const reports = await Promise.all(lanes.map((ids) => checkEnv(instance!.client, { ...options, families: ids })));
    const results = reports.flatMap((r) => r.results);
    expect(results.filter((r) => r.check === 'expert solves the task').length).toBe(families.length);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 600_000);

  it('runs parallel episodes in one Chromium with separate site backends', async () => {
    const client = instance!.client;
    const [a, b] = await Promise.all([
      client.reset({ family: 'browser/mail-find-answer', seed: 3 }),
      client.reset({ family: 'browser/mail-find-answer', seed: 3 }),
    ]);
    // The same task in both, but a message sent in one is not in the other's backend.
    expect(a.observation?.text).toBe(b.observation?.text);
    const compose = (await client.step(a.session, [call('goto', { url: 'http://mail.test/compose' })])).observation!.text;
    await client.step(a.session, [call('fill', { id: idOf(compose, 'textbox', 'To'), text: 'x@company.example' })]);
    await client.step(a.session, [call('fill', { id: idOf(compose, 'textbox', 'Subject'), text: 'hello' })]);
    const sent = await client.step(a.session, [call('click', { id: idOf(compose, 'button', 'Send') })]);
    expect(sent.observation?.text).toContain('1 messages');
    const other = await client.step(b.session, [call('goto', { url: 'http://mail.test/sent' })]);
    expect(other.observation?.text).toContain('0 messages');
    await client.closeSession(a.session);
    await client.closeSession(b.session);
  }, 120_000);

  it('leaves no container behind once closed', async () => {
    await instance!.close();
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL_RUN}=${runtime.runId}`], { encoding: 'utf8' });
    expect(left.trim()).toBe('');
  });
});
