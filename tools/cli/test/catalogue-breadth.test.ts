import { describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

interface ListedFamily {
  id: string;
  job: string;
  tiers: string[];
  heldOut: boolean;
  features: string[];
  components: unknown[];
}

const NEW_JOBS = ['it-support', 'bookkeeping', 'office-assistant'];

/** The families of `envs --json` a generator makes: task sets and outside suites declare no components. */
async function generatedFamilies(): Promise<{ env: string; family: ListedFamily }[]> {
  const { code, stdout, stderr } = await workgym('envs', '--json');
  expect(code, stderr).toBe(0);
  const { envs } = JSON.parse(stdout) as { envs: { name: string; families: ListedFamily[] }[] };
  return envs.flatMap((env) => env.families.filter((f) => f.components.length > 0).map((family) => ({ env: env.name, family })));
}

function byJob(families: { family: ListedFamily }[]): Map<string, ListedFamily[]> {
  const jobs = new Map<string, ListedFamily[]>();
  for (const { family } of families) jobs.set(family.job, [...(jobs.get(family.job) ?? []), family]);
  return jobs;
}

describe('the catalogue across envs', () => {
  it('lists at least 60 generated families over at least 6 jobs, at least 4 of them multi-app; each job of several families holds one out and trains on the rest', async () => {
    const families = await generatedFamilies();
    expect(families.length).toBeGreaterThanOrEqual(60);
    const jobs = byJob(families);
    expect(jobs.size).toBeGreaterThanOrEqual(6);
    expect(families.filter((f) => f.env === 'workday').length).toBeGreaterThanOrEqual(4);
    for (const [job, listed] of jobs) {
      if (listed.length < 2) continue;
      expect(
        listed.some((f) => f.heldOut),
        `${job} holds no family out`,
      ).toBe(true);
      expect(
        listed.some((f) => !f.heldOut),
        `${job} trains on no family`,
      ).toBe(true);
    }
  });

  it('gives each new job at least 6 families, every one with easy, medium and hard tiers', async () => {
    const jobs = byJob(await generatedFamilies());
    for (const job of NEW_JOBS) {
      const listed = jobs.get(job) ?? [];
      expect(listed.length, job).toBeGreaterThanOrEqual(6);
      for (const f of listed) expect(f.tiers, f.id).toEqual(['easy', 'medium', 'hard']);
    }
  });

  it('gives every family a features list; at least 6 families, in the code, spreadsheet and browser envs, have infeasible seeds', async () => {
    const families = await generatedFamilies();
    for (const { family } of families) expect(Array.isArray(family.features), family.id).toBe(true);
    const infeasible = families.filter(({ family }) => family.features.includes('infeasible'));
    expect(infeasible.length).toBeGreaterThanOrEqual(6);
    expect([...new Set(infeasible.map((f) => f.env))]).toEqual(expect.arrayContaining(['code', 'spreadsheet', 'browser']));
  });
});
