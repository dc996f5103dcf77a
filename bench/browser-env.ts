// Browser env: event-based settling against the fixed 0.5 s sleep common harnesses use; in the
// env's container: memory per live episode at 1-8 sessions (old Chromium flags against current),
// and expert episodes per minute and per CPU-second as containers x sessions.
// Run: node --conditions=source --import tsx bench/browser-env.ts [--container-only]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { BrowserEnv, CHROMIUM_ARGS, DEFAULT_SETTLE, manifest } from '@workgym/env-browser';
import type { EnvClient } from '@workgym/protocol';
import { DockerRuntime, manifestServerSpec } from '@workgym/runtime';
import { mean, ms, percentile, printTable, timeEach } from './lib/stats.js';

const signal = new AbortController().signal;
const spec = (family: string, seed: number) => ({ family, seed, split: 'train', options: {} });

type Phases = Record<string, number>;

/** A kind of step, repeated on one page: which element the i-th step clicks. */
interface StepKind {
  label: string;
  family: string;
  target(text: string, i: number): number;
}

const idOf = (text: string, pattern: RegExp) => Number(text.match(pattern)![1]);

const STEP_KINDS: StepKind[] = [
  {
    label: 'click that re-renders the page by script (date picker, booking)',
    family: 'browser/booking-reserve',
    target: (text, i) => (i % 2 === 0 ? idOf(text, /\[(\d+)\] button "Pick a date"/) : idOf(text, /\[(\d+)\] button "\w+ \d{1,2}, \d{4}"/)),
  },
  {
    label: 'click on a link: a new document (shop "Home" / "All products")',
    family: 'browser/shop-buy-cheapest',
    target: (text, i) => idOf(text, new RegExp(`\\[(\\d+)\\] link "${i % 2 === 0 ? 'All products' : 'Home'}"`)),
  },
];

async function stepTimes(env: BrowserEnv, kind: StepKind, n: number) {
  const session = await env.reset(spec(kind.family, 1), signal);
  const phases: Phases[] = [];
  const times = await timeEach(n, async (i) => {
    const id = kind.target(session.observation.text ?? '', i);
    const outcome = await session.step({ id: 's', name: 'click', arguments: { id } }, signal);
    phases.push((outcome.info as { timings: Phases }).timings);
  });
  await session.close();
  return { times, phases };
}

async function resetTimes(env: BrowserEnv, n: number): Promise<number[]> {
  return timeEach(n, async (i) => (await env.reset(spec('browser/shop-buy-cheapest', i + 1), signal)).close());
}

/** Chromium's own floor for a navigating click here: press and release on a link, wait for its `load` event. */
async function bareNavigation(n: number): Promise<number[]> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>t</title><a href="/next">next</a>${'<p>text</p>'.repeat(60)}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', pipe: true, args: [...CHROMIUM_ARGS] });
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Page.enable');
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const { x, y } = await page.$eval('a', (a) => ({ x: a.getBoundingClientRect().x + 5, y: a.getBoundingClientRect().y + 5 }));
  const times = await timeEach(n, async () => {
    const loaded = new Promise((resolve) => cdp.once('Page.loadEventFired', resolve));
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
    await loaded;
  });
  await browser.close();
  server.close();
  return times;
}

/** Every step of the expert's episodes over all families, grouped by tool and by whether a new document loaded. */
async function expertSteps(env: BrowserEnv): Promise<Map<string, number[]>> {
  const groups = new Map<string, number[]>([['all', []]]);
  for (const { id: family } of env.families()) {
    const session = await env.reset(spec(family ?? '', 3), signal);
    for (let done = false; !done;) {
      const {
        calls: [call],
      } = await session.expert!(signal, '');
      const name = call?.name ?? '';
      const page = (session.observation.text ?? '').split('\n', 1)[0];
      const outcome = await session.step({ id: 'e', name, arguments: JSON.parse(call?.argumentsJson ?? '{}') as Record<string, unknown> }, signal);
      const total = (outcome.info as { timings?: Phases } | undefined)?.timings?.total_ms;
      if (total !== undefined) {
        const loaded = (outcome.observation.text ?? '').split('\n', 1)[0] !== page;
        for (const key of ['all', `${name}${loaded ? ' (new URL)' : ''}`]) groups.set(key, [...(groups.get(key) ?? []), total]);
      }
      done = outcome.terminated === true;
    }
    await session.close();
  }
  return groups;
}

// --container-only skips the in-process part (host Chromium) and runs the docker part alone.
if (!process.argv.includes('--container-only')) {
  const events = new BrowserEnv();
  const fixed = new BrowserEnv({ settle: { ...DEFAULT_SETTLE, fixedSleepMs: 500 } });
  await (await events.reset(spec('browser/shop-buy-cheapest', 0), signal)).close(); // warm-up: Chromium starts
  await (await fixed.reset(spec('browser/shop-buy-cheapest', 0), signal)).close();
  const resets = await resetTimes(events, 10);
  const p50 = (xs: number[]) => percentile(xs, 50);
  const stepRows = [['step (click + settle + observation)', 'event-based p50 / p95', 'fixed 0.5 s sleep p50', 'speed-up at p50']];
  const phaseRows = [['step', 'action', 'navigation', 'network', 'dom', 'observe']];
  for (const kind of STEP_KINDS) {
    const ev = await stepTimes(events, kind, 30);
    const fx = await stepTimes(fixed, kind, 8);
    stepRows.push([kind.label, `${ms(p50(ev.times))} / ${ms(percentile(ev.times, 95))}`, ms(p50(fx.times)), `${(p50(fx.times) / p50(ev.times)).toFixed(1)}x`]);
    phaseRows.push([kind.label, ...['action_ms', 'navigation_ms', 'network_ms', 'dom_ms', 'observe_ms'].map((p) => ms(p50(ev.phases.map((t) => t[p]!))))]);
  }
  await fixed.close();
  const expert = await expertSteps(events);
  const bare = await bareNavigation(30);
  printTable('Reset (in-process, host Chromium, shop-buy-cheapest)', [
    ['what', 'p50', 'p95', 'mean'],
    ['reset: context + site + first observation', ms(p50(resets)), ms(percentile(resets, 95)), ms(mean(resets))],
  ]);
  printTable('Steps: event-based settle against a fixed 0.5 s sleep', stepRows);
  printTable('Phases of the event-based steps (p50)', phaseRows);
  printTable('Expert steps over all families, event-based (step time as the env reports it)', [
    ['steps', 'count', 'p50', 'p95'],
    ...[...expert].map(([key, times]) => [key, String(times.length), ms(p50(times)), ms(percentile(times, 95))]),
  ]);
  console.log(
    `\nChromium's own floor for a navigating click (press + release on a link, wait for load; nothing else): p50 ${ms(p50(bare))}, p95 ${ms(percentile(bare, 95))}`,
  );

  await events.close();
}

// Memory and throughput in the real container: docker, the env's image, its manifest limits.
const serverSpec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
const runtime = new DockerRuntime({ runId: `bench-browser-${process.pid}` });
const FAMILIES = [
  'browser/shop-buy-cheapest',
  'browser/desk-refund',
  'browser/mail-forward',
  'browser/booking-reserve',
  'browser/admin-edit-record',
  'browser/shop-coupon-checkout',
  'browser/desk-triage',
  'browser/mail-find-answer',
];
/** The flags before issue 20: GPU and network service in processes of their own, a spare renderer. */
const BASELINE_ARGS = CHROMIUM_ARGS.filter((a) => a !== '--in-process-gpu' && a !== '--enable-features=NetworkServiceInProcess2').map((a) =>
  a.replace(',SpareRendererForSitePerProcess', ''),
);
const inContainer = (id: string, ...command: string[]) => execFileSync('docker', ['exec', id, ...command], { encoding: 'utf8' });

/**
 * The container's memory, MiB: as `docker stats` counts it (usage less inactive file cache), and
 * its own part, anonymous plus shared memory: file pages (Chromium's binary) are charged to
 * whichever container read them first, so they move between containers of the same image.
 */
function containerMiB(id: string): { stats: number; own: number } {
  const v2 = inContainer(id, 'sh', '-c', 'cat /sys/fs/cgroup/memory.current 2>/dev/null || true').trim();
  const usage = Number(v2 || inContainer(id, 'cat', '/sys/fs/cgroup/memory/memory.usage_in_bytes'));
  const stat = inContainer(id, 'cat', v2 ? '/sys/fs/cgroup/memory.stat' : '/sys/fs/cgroup/memory/memory.stat');
  const field = (name: string) => Number(stat.match(new RegExp(`^${v2 ? '' : 'total_'}${name} (\\d+)`, 'm'))?.[1] ?? 0);
  const own = field(v2 ? 'anon' : 'rss') + field('shmem');
  return { stats: (usage - field('inactive_file')) / 2 ** 20, own: own / 2 ** 20 };
}

/** CPU seconds the container used so far (cgroup v2 or v1). */
function containerCpuS(id: string): number {
  const v2 = inContainer(id, 'sh', '-c', 'cat /sys/fs/cgroup/cpu.stat 2>/dev/null || true').match(/^usage_usec (\d+)/m);
  return v2 ? Number(v2[1]) / 1e6 : Number(inContainer(id, 'cat', '/sys/fs/cgroup/cpuacct/cpuacct.usage')) / 1e9;
}

/** A live episode, as in a rollout: reset, then the expert's first three steps (or fewer, if it ends). */
async function openEpisode(client: EnvClient, i: number): Promise<string> {
  const r = await client.reset({ family: FAMILIES[i % FAMILIES.length]!, seed: i + 1 });
  for (let k = 0; k < 3; k++) {
    const reply = await client.step(r.session, (await client.expert(r.session)).calls);
    if (reply.terminated || reply.truncated) break;
  }
  return r.session;
}

async function expertEpisode(client: EnvClient, family: string, seed: number): Promise<void> {
  const r = await client.reset({ family, seed, maxSteps: 50 });
  for (let done = false; !done;) {
    const reply = await client.step(r.session, (await client.expert(r.session)).calls);
    done = reply.terminated || reply.truncated;
  }
  await client.closeSession(r.session);
}

const settleMemory = () => new Promise((resolve) => setTimeout(resolve, 1500));
const flagSets = { 'flags before issue 20': BASELINE_ARGS, 'current flags': CHROMIUM_ARGS };
const containers = await Promise.all(
  Object.values(flagSets).map((args) => runtime.start({ ...serverSpec, env: { WORKGYM_CHROMIUM_ARGS: JSON.stringify(args) } })),
);
// Chromium starts on the first reset: "0 live" is a warm container whose episodes all closed.
await Promise.all(containers.map(async (c) => c.client.closeSession(await openEpisode(c.client, 99))));
await settleMemory();
const idleMiB = containers.map((c) => containerMiB(c.id));
const memRows = [['live episodes', ...Object.keys(flagSets).map((k) => `${k}: container (own part) / per live episode / marginal`)]];
memRows.push(['0', ...idleMiB.map((m) => `${m.stats.toFixed(0)} (${m.own.toFixed(0)}) MiB / — / —`)]);
const live: string[][] = containers.map(() => []);
for (const n of [1, 2, 4, 8]) {
  await Promise.all(
    containers.map(async (c, k) => {
      while (live[k]!.length < n) live[k]!.push(await openEpisode(c.client, live[k]!.length));
    }),
  );
  await settleMemory();
  memRows.push([
    String(n),
    ...containers.map((c, k) => {
      const m = containerMiB(c.id);
      const perLive = `${(m.stats / n).toFixed(0)} (${(m.own / n).toFixed(0)})`;
      return `${m.stats.toFixed(0)} (${m.own.toFixed(0)}) MiB / ${perLive} MiB / ${((m.stats - idleMiB[k]!.stats) / n).toFixed(0)} MiB`;
    }),
  ]);
}
await Promise.all(containers.map((c) => c.close()));
printTable('Container memory (docker stats) with N live episodes in ONE container, old flags and current side by side', memRows);

// CPU per episode by process: each process's CPU from /proc (docker top gives host pids; exited
// renderers count through their zygote's reaped children), full episodes and bare reset + close
// taking turns in one container.
function cpuByProcess(id: string): Map<string, number> {
  const parts = new Map<string, number>([['container total', containerCpuS(id)]]);
  const add = (kind: string, seconds: number) => parts.set(kind, (parts.get(kind) ?? 0) + seconds);
  for (const row of execFileSync('docker', ['top', id, '-o', 'pid,args'], { encoding: 'utf8' }).trim().split('\n').slice(1)) {
    const [pid, ...args] = row.trim().split(/\s+/);
    const command = args.join(' ');
    const type = /--type=(\S+)/.exec(command)?.[1];
    if (!type && !command.includes('chrom') && !command.includes('node')) continue;
    let fields: string[];
    try {
      fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    } catch {
      continue; // it ended while we looked
    }
    const ticks = (a: number, b: number) => (Number(fields[a]) + Number(fields[b])) / 100;
    const kind = type === 'zygote' || type === 'renderer' ? 'renderers' : (type ?? (command.includes('chrom') ? 'browser process' : 'env server (Node)'));
    add(kind, ticks(11, 12));
    if (type === 'zygote') add('renderers', ticks(13, 14));
  }
  return parts;
}
const CPU_EPISODES = 16;
const cpuContainer = await runtime.start(serverSpec);
await expertEpisode(cpuContainer.client, FAMILIES[0]!, 999);
const cpuSums = { episode: new Map<string, number>(), reset: new Map<string, number>() };
for (let i = 0; i < CPU_EPISODES; i++) {
  for (const mode of ['episode', 'reset'] as const) {
    const before = cpuByProcess(cpuContainer.id);
    if (mode === 'episode') await expertEpisode(cpuContainer.client, FAMILIES[i % FAMILIES.length]!, i + 1);
    else await cpuContainer.client.closeSession((await cpuContainer.client.reset({ family: FAMILIES[i % FAMILIES.length]!, seed: i + 1 })).session);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the closed context's renderer exits
    for (const [kind, seconds] of cpuByProcess(cpuContainer.id)) cpuSums[mode].set(kind, (cpuSums[mode].get(kind) ?? 0) + seconds - (before.get(kind) ?? 0));
  }
}
await cpuContainer.close();
printTable(`Container CPU-seconds per episode by process (${CPU_EPISODES} expert episodes of 8 families, one at a time)`, [
  ['process', 'expert episode', 'reset + close alone'],
  ...[...cpuSums.episode.keys()].map((kind) => [kind, ...[cpuSums.episode, cpuSums.reset].map((sums) => ((sums.get(kind) ?? 0) / CPU_EPISODES).toFixed(3))]),
]);

// Throughput: lanes of expert episodes packed as containers x sessions, each container limited to
// `cpus`. The same four warm containers serve every layout (their CPU limit set by `docker
// update`), and the layouts take turns, round after round: other load on the machine then weighs
// on each alike.
const LAYOUTS = [
  [1, 1, 1],
  [1, 2, 1],
  [2, 1, 1],
  [1, 2, 2],
  [1, 4, 1],
  [2, 2, 1],
  [1, 4, 2],
  [4, 1, 1],
  [1, 8, 2],
] as const;
const ROUNDS = 3;
const PER_LANE = 3;
const pool = await Promise.all(Array.from({ length: 4 }, () => runtime.start(serverSpec)));
await Promise.all(pool.map((c) => expertEpisode(c.client, FAMILIES[0]!, 999)));
const totals = LAYOUTS.map(() => ({ episodes: 0, wall: 0, cpu: 0 }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [containerCount, sessions, cpus]] of LAYOUTS.entries()) {
    const group = pool.slice(0, containerCount);
    execFileSync('docker', ['update', '--cpus', String(cpus), ...group.map((c) => c.id)]);
    const cpuBefore = group.map((c) => containerCpuS(c.id));
    const t = performance.now();
    await Promise.all(
      group.flatMap((c, ci) =>
        Array.from({ length: sessions }, async (_, lane) => {
          for (let k = 0; k < PER_LANE; k++) {
            const n = (round * 8 + ci * sessions + lane) * PER_LANE + k;
            await expertEpisode(c.client, FAMILIES[n % FAMILIES.length]!, n);
          }
        }),
      ),
    );
    totals[i]!.wall += performance.now() - t;
    totals[i]!.episodes += containerCount * sessions * PER_LANE;
    totals[i]!.cpu += group.reduce((sum, c, k) => sum + containerCpuS(c.id) - cpuBefore[k]!, 0);
  }
}
await Promise.all(pool.map((c) => c.close()));
printTable(`Expert episodes (8 families) through DockerRuntime, one lane per session, ${ROUNDS} interleaved rounds of ${PER_LANE} per lane`, [
  ['containers x sessions', 'CPU limit each', 'episodes', 'episodes/min', 'container CPU-s per episode', 'episodes per CPU-s'],
  ...LAYOUTS.map(([containerCount, sessions, cpus], i) => {
    const { episodes, wall, cpu } = totals[i]!;
    return [
      `${containerCount} x ${sessions}`,
      `${cpus} CPU`,
      String(episodes),
      ((episodes / wall) * 60_000).toFixed(1),
      (cpu / episodes).toFixed(2),
      (episodes / cpu).toFixed(2),
    ];
  }),
]);
