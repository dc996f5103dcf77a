import { describe, expect, it } from 'vitest';
import { HARDENED_DEFAULTS } from '@workgym/runtime';
import { describeParallelism, envNeeds, hostCapacity, planParallelism, poolOptions, type EnvNeeds } from '../src/index.js';

const GiB = 1024 ** 3;
const CPU = 1e9;

const code: EnvNeeds = { name: 'code', episodes: 100, memoryBytes: 1 * GiB, nanoCpus: CPU, sessionsPerContainer: 1 };
const browser: EnvNeeds = { name: 'browser', episodes: 100, memoryBytes: 2 * GiB, nanoCpus: CPU, sessionsPerContainer: 4 };
const sheet: EnvNeeds = { name: 'spreadsheet', episodes: 100, memoryBytes: 1.5 * GiB, nanoCpus: CPU, sessionsPerContainer: 8 };
const twoCores = { cores: 2, availableMemoryBytes: 20 * GiB };

describe('planParallelism', () => {
  it('auto gives a CPU-paced agent two lanes per core per env, packed into as few containers as the sessions allow', () => {
    const plan = planParallelism('auto', [code, browser, sheet], twoCores, 'cpu');
    expect(plan.map(({ env, lanes, containers }) => ({ env, lanes, containers }))).toEqual([
      { env: 'code', lanes: 4, containers: 4 },
      { env: 'browser', lanes: 4, containers: 1 },
      { env: 'spreadsheet', lanes: 4, containers: 1 },
    ]);
    expect(plan.every((env) => env.warning === undefined)).toBe(true);
  });

  it('gives a container the CPU of the sessions on it, never more than the host has', () => {
    const [solo, packed] = planParallelism('auto', [code, browser], twoCores, 'cpu');
    expect(solo!.nanoCpusPerContainer).toBe(CPU);
    expect(packed!.nanoCpusPerContainer).toBe(2 * CPU);
    const [wide] = planParallelism(4, [browser], twoCores, 'cpu');
    expect(wide).toMatchObject({ lanes: 4, containers: 1, nanoCpusPerContainer: 2 * CPU });
  });

  it('auto gives a remote-paced agent up to eight lanes per core, bounded by the memory fit', () => {
    const [roomy] = planParallelism('auto', [code], { cores: 2, availableMemoryBytes: 100 * GiB }, 'remote');
    expect(roomy).toMatchObject({ lanes: 16, containers: 16 });
    // 80% of 10 GiB split over two envs: 4 GiB each, so 4 code containers and 2 browser containers of 4 sessions.
    const [tight, packed] = planParallelism('auto', [code, browser], { cores: 2, availableMemoryBytes: 10 * GiB }, 'remote');
    expect(tight).toMatchObject({ lanes: 4, containers: 4 });
    expect(packed).toMatchObject({ lanes: 8, containers: 2 });
    expect(tight!.warning).toBeUndefined();
  });

  it('caps an explicit value beyond the memory fit, with one line per env that says why', () => {
    const plan = planParallelism(1000, [code, browser, sheet], { cores: 2, availableMemoryBytes: 18 * GiB }, 'cpu');
    expect(plan.map((env) => env.lanes)).toEqual([4, 8, 24]);
    expect(plan[1]!.warning).toBe(
      '--parallel 1000 is more than fits: browser runs 8 (2 containers of 2048 MiB, 4 episodes each, in 80% of 18.0 GiB available memory shared by 3 envs)',
    );
    expect(plan.every((env) => env.warning?.startsWith(`--parallel 1000 is more than fits: ${env.env} runs ${env.lanes} (`))).toBe(true);
  });

  it('keeps an explicit value that fits, even above the cores', () => {
    const [plan] = planParallelism(4, [code], twoCores, 'cpu');
    expect(plan).toMatchObject({ lanes: 4, containers: 4 });
    expect(plan!.warning).toBeUndefined();
  });

  it('never runs more lanes than the env has episodes, and none for an env with none left', () => {
    const plan = planParallelism(
      1000,
      [
        { ...code, episodes: 3 },
        { ...browser, episodes: 0 },
      ],
      twoCores,
      'cpu',
    );
    expect(plan.map(({ lanes, containers, warning }) => ({ lanes, containers, warning }))).toEqual([
      { lanes: 3, containers: 3, warning: undefined },
      { lanes: 0, containers: 0, warning: undefined },
    ]);
  });

  it('runs at least one container of an env bigger than its memory share', () => {
    const [huge] = planParallelism('auto', [{ ...code, memoryBytes: 64 * GiB }], twoCores, 'cpu');
    expect(huge).toMatchObject({ lanes: 1, containers: 1 });
  });

  it('reads the host as cores and a positive amount of memory', () => {
    const host = hostCapacity();
    expect(host.cores).toBeGreaterThanOrEqual(1);
    expect(host.availableMemoryBytes).toBeGreaterThan(0);
  });

  it('says the plan in one line', () => {
    expect(describeParallelism(planParallelism('auto', [code, browser, { ...sheet, episodes: 0 }], twoCores, 'cpu'))).toBe(
      'parallel: code 4 in flight on 4 containers (1 CPU each), browser 4 in flight on 1 container (2 CPU each)',
    );
  });
});

describe('an env spec as the planner and the pool see it', () => {
  const spec = { name: 'browser', serverBundle: 'server.mjs', docker: { memoryBytes: 2 * GiB, shmSizeBytes: 1 }, sessionsPerContainer: 4 };

  it('reads the limits the spec declares, else the hardened defaults', () => {
    expect(envNeeds(spec, 7)).toEqual({ name: 'browser', episodes: 7, memoryBytes: 2 * GiB, nanoCpus: HARDENED_DEFAULTS.nanoCpus, sessionsPerContainer: 4 });
    expect(envNeeds({ name: 'code', serverBundle: 'server.mjs' }, 1)).toMatchObject({ memoryBytes: HARDENED_DEFAULTS.memoryBytes, sessionsPerContainer: 1 });
  });

  it("gives the pool the plan's lanes and each container the CPU of its sessions, keeping the spec's other settings", () => {
    const [plan] = planParallelism(3, [envNeeds(spec, 10)], twoCores, 'cpu');
    expect(poolOptions(spec, plan!)).toEqual({
      spec: { ...spec, docker: { memoryBytes: 2 * GiB, shmSizeBytes: 1, nanoCpus: 2 * CPU } },
      lanes: 3,
      sessionsPerInstance: 4,
    });
  });
});
