// The it-support verifiers' edge cases, judged for real in process (Python, a real service on
// loopback, real modes): a crontab entry written another way that cron reads the same passes and
// one a day off fails; a mode one bit off fails; a service edited to hard-code its answers fails.
import { describe, expect, it } from 'vitest';
import { CodeEnv } from '../src/index.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { open } from './helpers.js';
import { servedInProcess } from './helpers.js';

const env = new CodeEnv();
const client = servedInProcess(env);
const SCHEDULE = 'code/it-schedule-job';
const PERMISSIONS = 'code/it-fix-permissions';
const SERVICE = 'code/it-fix-service-config';

function reference(instance: TaskInstance): Record<string, string> {
  if (instance.check.kind !== 'runs') throw new Error('expected a runs check');
  return instance.check.reference;
}

/** Submits `crontab` as the workspace's crontab and returns the verdict. */
async function submitCrontab(seed: number, crontab: string) {
  const episode = await open(client, SCHEDULE, seed);
  try {
    await episode.step('write_file', { path: 'crontab', content: crontab });
    return (await episode.step('submit')).verdict!;
  } finally {
    await episode.close();
  }
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The last entry written another way cron reads the same: minutes and hours as explicit lists
 * (a single value as the range v-v), lists of days of the month reversed, months and days of
 * the week by name.
 */
function equivalent(crontab: string): string {
  const lines = crontab.trimEnd().split('\n');
  const [minute, hour, dom, month, dow, ...command] = lines.pop()!.split(' ');
  const explicit = (field: string, max: number) => {
    const values = field.split(',').flatMap((item) => {
      const [span, step] = item.split('/');
      const [a, b] = span === '*' ? [0, max] : span!.includes('-') ? span!.split('-').map(Number) : [Number(span), step ? max : Number(span)];
      return Array.from({ length: b! - a! + 1 }, (_, i) => a! + i).filter((v) => (v - a!) % Number(step ?? 1) === 0);
    });
    return values.length === 1 ? `${values[0]}-${values[0]}` : values.join(',');
  };
  const named = (field: string, names: string[], offset: number) => (field === '*' ? '*' : field.replace(/\d+/g, (n) => names[Number(n) - offset]!));
  return (
    [
      ...lines,
      [
        explicit(minute!, 59),
        explicit(hour!, 23),
        dom!.split(',').reverse().join(','),
        named(month!, MONTH_NAMES, 1),
        named(dow!, DAY_NAMES, 0),
        ...command,
      ].join(' '),
    ].join('\n') + '\n'
  );
}

describe('it-schedule-job judges the times cron runs the job', () => {
  it('passes an equivalent expression and fails one that runs on other days', { timeout: 600_000 }, async () => {
    for (const seed of [1, 2, 3, 4]) {
      const target = reference(env.instance(SCHEDULE, seed)).crontab!;
      const same = equivalent(target);
      expect(same).not.toBe(target);
      expect((await submitCrontab(seed, same)).success, `seed ${seed}: ${same.split('\n').at(-2)}`).toBe(true);
    }
    const target = reference(env.instance(SCHEDULE, 1)).crontab!;
    const lines = target.trimEnd().split('\n');
    const fields = lines.at(-1)!.split(' ');
    // Day of month and day of week both restricted: cron runs on either, not on both.
    fields[2] = fields[2] === '*' ? '13' : fields[2]!;
    fields[4] = fields[4] === '*' ? '5' : fields[4]!;
    const verdict = await submitCrontab(1, [...lines.slice(0, -1), fields.join(' ')].join('\n') + '\n');
    expect(verdict.success).toBe(false);
    expect(verdict.components!.hidden_tests).toBe(0);
  });

  it('refuses a crontab cron would refuse, existing entries included', { timeout: 300_000 }, async () => {
    const target = reference(env.instance(SCHEDULE, 2)).crontab!;
    const verdict = await submitCrontab(2, `${target}61 * * * * /opt/ops/bin/extra.sh\n`);
    expect(verdict.success).toBe(false);
    expect(verdict.components).toMatchObject({ hidden_tests: 0, regression_tests: 0 });
  });
});

describe('it-fix-permissions judges every mode by lstat', () => {
  /** Sets every expected mode, then runs `then`, submits and returns the verdict. */
  async function fixThen(seed: number, then: (expected: Record<string, number>, start: Record<string, number>) => string) {
    const instance = env.instance(PERMISSIONS, seed);
    if (instance.check.kind !== 'modes') throw new Error('expected a modes check');
    const expected = instance.check.expected;
    const episode = await open(client, PERMISSIONS, seed);
    try {
      const chmods = Object.entries(expected).map(([path, mode]) => `chmod ${mode.toString(8)} ${path}`);
      expect(await episode.bash([...chmods, then(expected, instance.modes!)].join(' && '))).toMatch(/^exit code 0/);
      return (await episode.step('submit')).verdict!;
    } finally {
      await episode.close();
    }
  }
  /** A file that starts with its policy mode (0644): the task never asks to change it. */
  const rightFile = (expected: Record<string, number>, start: Record<string, number>) =>
    Object.keys(expected).find((path) => path.includes('.') && start[path] === expected[path] && expected[path] === 0o644)!;

  it('passes the policy exactly and fails a mode one bit off', { timeout: 300_000 }, async () => {
    expect((await fixThen(1, () => 'true')).success).toBe(true);
    const script = (expected: Record<string, number>) => Object.keys(expected).find((path) => path.endsWith('.sh'))!;
    const offByOne = await fixThen(1, (expected) => `chmod 754 ${script(expected)}`);
    expect(offByOne.success).toBe(false);
    expect(offByOne.components).toMatchObject({ modes_set: 0 });
    const keyForGroup = await fixThen(2, () => 'chmod g+r secrets/*');
    expect(keyForGroup.success).toBe(false);
  });

  it('fails a right path changed, and a file rewritten', { timeout: 300_000 }, async () => {
    const moved = await fixThen(3, (expected, start) => `chmod 600 ${rightFile(expected, start)}`);
    expect(moved.components).toMatchObject({ modes_set: 1, no_collateral: 0 });
    const rewritten = await fixThen(3, (expected, start) => `echo rotated > ${rightFile(expected, start)}`);
    expect(rewritten.components).toMatchObject({ modes_set: 1, no_collateral: 0 });
  });
});

describe('it-fix-service-config starts the service from the workspace', () => {
  it('passes the fixed config and fails a service that hard-codes its answers', { timeout: 600_000 }, async () => {
    const instance = env.instance(SERVICE, 1);
    const config = reference(instance)['service/app.ini']!;
    const right = await open(client, SERVICE, 1);
    await right.step('write_file', { path: 'service/app.ini', content: config });
    expect((await right.step('submit')).verdict!.success).toBe(true);
    await right.close();

    const port = /port = (\d+)/.exec(config)![1]!;
    const name = /name = (\S+)/.exec(config)![1]!;
    const service = instance.files['service/app.py']!;
    const hardCoded = service
      .replace("int(server['port'])", port)
      .replace("server.get('host', '127.0.0.1')", "'127.0.0.1'")
      .replace("name = app['name']", `name = '${name}'`)
      .replace("open(app['motd_file'])", "open('service/data/motd.txt')")
      .replace("    config = load(sys.argv[1] if len(sys.argv) > 1 else 'service/app.ini')\n    server, app = config['server'], config['app']\n", '');
    const cheat = await open(client, SERVICE, 1);
    await cheat.step('write_file', { path: 'service/app.py', content: hardCoded });
    const verdict = (await cheat.step('submit')).verdict!;
    expect(verdict.success).toBe(false);
    // It answers right: only the guard on the service's code catches it.
    expect(verdict.components).toMatchObject({ hidden_tests: 1, no_collateral: 0 });
  });

  it('fails the right answers with another setting changed', { timeout: 300_000 }, async () => {
    const config = reference(env.instance(SERVICE, 2))['service/app.ini']!;
    const episode = await open(client, SERVICE, 2);
    await episode.step('write_file', { path: 'service/app.ini', content: config.replace(/^workers = \d+$/m, 'workers = 64') });
    const verdict = (await episode.step('submit')).verdict!;
    expect(verdict.success).toBe(false);
    expect(verdict.components).toMatchObject({ hidden_tests: 1, regression_tests: 0 });
  });
});
