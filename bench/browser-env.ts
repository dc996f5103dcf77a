// Browser env: event-based settling against the fixed 0.5 s sleep common harnesses use, memory
// per live episode, and expert episodes per minute through EnvPool + DockerRuntime.
// Run: node --conditions=source --import tsx bench/browser-env.ts
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserEnv, manifest } from '@workgym/env-browser';
import type { Session } from '@workgym/protocol';
import { DockerRuntime, EnvPool, manifestServerSpec } from '@workgym/runtime';
import { mean, ms, percentile, printTable, timeEach } from './lib/stats.js';

const signal = new AbortController().signal;
const spec = (seed: number) => ({ family: 'browser/shop-buy-cheapest', seed, split: 'train', options: {} });

/** Clicks the "Home" and "All products" links in turn: a click that navigates, settles and re-reads the page. */
async function clickSteps(session: Session, n: number): Promise<number[]> {
  return timeEach(n, async (i) => {
    const text = session.observation.text ?? '';
    const name = i % 2 === 0 ? 'All products' : 'Home';
    const id = Number(text.match(new RegExp(`\\[(\\d+)\\] link "${name}"`))![1]);
    await session.step({ id: 's', name: 'click', arguments: { id } }, signal);
  });
}

async function measure(env: BrowserEnv, resets: number, steps: number) {
  await (await env.reset(spec(0), signal)).close(); // warm-up: Chromium starts
  const resetTimes: number[] = [];
  const stepTimes: number[] = [];
  for (let i = 0; i < resets; i++) {
    const t = performance.now();
    const session = await env.reset(spec(i + 1), signal);
    resetTimes.push(performance.now() - t);
    if (i === 0) stepTimes.push(...(await clickSteps(session, steps)));
    await session.close();
  }
  return { resetTimes, stepTimes };
}

const events = new BrowserEnv();
const fixed = new BrowserEnv({ settle: { capMs: 5_000, quietMs: 25, fixedSleepMs: 500 } });
const ev = await measure(events, 10, 20);
const fx = await measure(fixed, 3, 10);
printTable('Reset and step (in-process, host Chromium, shop-buy-cheapest)', [
  ['what', 'p50', 'p95', 'mean'],
  ['reset: context + site + first observation', ms(percentile(ev.resetTimes, 50)), ms(percentile(ev.resetTimes, 95)), ms(mean(ev.resetTimes))],
  ['step, event-based settle (click + settle + observation)', ms(percentile(ev.stepTimes, 50)), ms(percentile(ev.stepTimes, 95)), ms(mean(ev.stepTimes))],
  ['step, baseline: fixed 0.5 s sleep', ms(percentile(fx.stepTimes, 50)), ms(percentile(fx.stepTimes, 95)), ms(mean(fx.stepTimes))],
]);
console.log(`\nstep speed-up vs fixed sleeps: p50 ${(percentile(fx.stepTimes, 50) / percentile(ev.stepTimes, 50)).toFixed(1)}x, mean ${(mean(fx.stepTimes) / mean(ev.stepTimes)).toFixed(1)}x`);
await fixed.close();

// Memory: resident memory of Chromium's processes (and this Node) with 0 and 4 live episodes.
function rssKiB(needle: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const self = Number(pid) === process.pid;
      if (!self && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) continue;
      total += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return total;
}
const idle = await events.reset(spec(50), signal);
await idle.close();
const base = rssKiB(events.host.profileDir!);
const live = await Promise.all([1, 2, 3, 4].map((s) => events.reset(spec(100 + s), signal)));
const loaded = rssKiB(events.host.profileDir!);
await Promise.all(live.map((s) => s.close()));
await events.close();
printTable('Memory per live episode (RSS of Chromium processes + the env server)', [
  ['episodes', 'RSS', 'per episode'],
  ['0', `${(base / 1024).toFixed(0)} MiB`, '—'],
  ['4', `${(loaded / 1024).toFixed(0)} MiB`, `${((loaded - base) / 4 / 1024).toFixed(0)} MiB`],
]);

// Throughput: expert episodes per minute through EnvPool + DockerRuntime (one container, N sessions).
const serverSpec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
const runtime = new DockerRuntime({ runId: `bench-browser-${process.pid}` });
const rows = [['parallelism', 'episodes', 'wall', 'episodes/min', 'vs parallelism 1']];
let single = 0;
for (const parallel of [1, 2, 4]) {
  const pool = await EnvPool.create({ runtime, spec: serverSpec, size: 1 });
  const episodes = parallel * 3;
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < episodes) {
        const seed = next++;
        const lease = await pool.acquire();
        try {
          const r = await lease.client.reset({ family: 'browser/shop-coupon-checkout', seed, maxSteps: 50 });
          for (let done = false; !done; ) {
            const { calls } = await lease.client.expert(r.session);
            const reply = await lease.client.step(r.session, calls);
            done = reply.terminated || reply.truncated;
          }
          await lease.client.closeSession(r.session);
        } finally {
          await lease.release();
        }
      }
    }),
  );
  const perMin = episodes / ((performance.now() - t) / 60_000);
  if (parallel === 1) single = perMin;
  rows.push([String(parallel), String(episodes), ms(performance.now() - t), perMin.toFixed(1), `${(perMin / single).toFixed(2)}x`]);
  await pool.close();
}
printTable('Expert episodes per minute (shop-coupon-checkout, EnvPool + DockerRuntime, 1 container, 1 CPU)', rows);
