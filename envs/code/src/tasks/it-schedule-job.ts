import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { shellQuote, writeCommand } from './expert/shell.js';
import { bashLook, readFile, SUBMIT, writeThenSubmit, type Look } from './expert/step.js';
import type { EpisodeView } from './expert/view.js';
import { CRON_TIMES } from './it-cron.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const CRONTAB = 'crontab';
const BIN = '/opt/ops/bin';
const JOBS = [
  'backup-db',
  'backup-files',
  'rotate-logs',
  'sync-reports',
  'renew-certs',
  'purge-tmp',
  'send-digest',
  'check-disk',
  'refresh-cache',
  'export-metrics',
  'vacuum-db',
  'reindex-search',
  'prune-images',
  'mirror-repos',
  'audit-logins',
];
const DAY_NAMES = ['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** What the instruction states: when in the day the job runs, and on which days. */
const CONDITIONS = ['time', 'days'] as const;

/** The constant attempts: the schedules a careless admin writes for anything. */
const GUESSES: Record<string, string> = { 'daily-midnight': '0 0 * * *', hourly: '0 * * * *' };
const REPLACE = 'replace-crontab';
const SWAP = 'swap-minute-hour';

/** A schedule as the instruction says it and as cron fields (minute, hour, day of month, month, day of week). */
interface Part {
  text: string;
  fields: [string, string];
}
interface DayPart {
  text: string;
  fields: [string, string, string];
}

const two = (n: number) => String(n).padStart(2, '0');
const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;

const TIMES: Record<string, (rng: Rng) => Part> = {
  at: (rng) => {
    const [h, m] = [rng.int(0, 23), rng.int(1, 11) * 5];
    return { text: `at ${two(h)}:${two(m)}`, fields: [String(m), String(h)] };
  },
  every: (rng) => {
    const n = rng.pick([10, 15, 20, 30]);
    const from = rng.int(6, 10);
    const to = from + rng.int(6, 10);
    return {
      text: `every ${n} minutes during the hours ${two(from)} to ${two(to)} (${two(from)}:00, ${two(from)}:${two(n)}, ... up to the last run before ${two(to + 1)}:00)`,
      fields: [`*/${n}`, `${from}-${to}`],
    };
  },
  twice: (rng) => {
    const [a, b] = rng.sample([...Array(24).keys()], 2).sort((x, y) => x - y);
    const m = rng.int(1, 11) * 5;
    return { text: `at ${two(a!)}:${two(m)} and at ${two(b!)}:${two(m)}`, fields: [String(m), `${a},${b}`] };
  },
};

const DAYS: Record<string, (rng: Rng) => DayPart> = {
  weekdays: () => ({ text: 'on weekdays (Monday to Friday)', fields: ['*', '*', '1-5'] }),
  weekday: (rng) => {
    const d = rng.int(1, 6);
    return { text: `on ${DAY_NAMES[d]}`, fields: ['*', '*', String(d)] };
  },
  'two-weekdays': (rng) => {
    const [a, b] = rng.sample([1, 2, 3, 4, 5, 6], 2).sort((x, y) => x - y);
    return { text: `on ${DAY_NAMES[a!]} and ${DAY_NAMES[b!]}`, fields: ['*', '*', `${a},${b}`] };
  },
  weekends: () => ({ text: 'on Saturdays and Sundays', fields: ['*', '*', '6,0'] }),
  'month-days': (rng) => {
    const [a, b] = rng
      .sample(
        [...Array(28).keys()].map((d) => d + 1),
        2,
      )
      .sort((x, y) => x - y);
    return { text: `on the ${ordinal(a!)} and the ${ordinal(b!)} of every month`, fields: [`${a},${b}`, '*', '*'] };
  },
  quarters: (rng) => {
    const d = rng.int(1, 5);
    return { text: `on the ${ordinal(d)} of January, April, July and October`, fields: [String(d), '1,4,7,10', '*'] };
  },
  'month-range': (rng) => {
    const d = rng.int(1, 28);
    const from = rng.int(1, 5);
    const to = from + rng.int(3, 6);
    return { text: `on the ${ordinal(d)} of each month from ${MONTH_NAMES[from - 1]} to ${MONTH_NAMES[to - 1]}`, fields: [String(d), `${from}-${to}`, '*'] };
  },
};

/** Schedule complexity and the crontab's size per tier. */
const TIERS: Record<Difficulty, { times: string[]; days: string[]; existing: [number, number] }> = {
  easy: { times: ['at'], days: ['weekdays', 'weekday'], existing: [2, 3] },
  medium: { times: ['at', 'every'], days: ['weekdays', 'two-weekdays', 'weekends', 'month-days'], existing: [4, 5] },
  hard: { times: ['every', 'twice'], days: ['month-days', 'quarters', 'month-range', 'two-weekdays'], existing: [7, 9] },
};

/** Schedules of the entries already there, as their owners wrote them. */
const EXISTING = [
  '*/5 * * * *',
  '@daily',
  '@hourly',
  '30 2 * * 0',
  '15 3 * * *',
  '0 */4 * * *',
  '45 23 * * 1-5',
  '0 6 1 * *',
  '10 1 * * 6',
  '@weekly',
  '20 4 * * 1,3,5',
];

interface Schedule {
  time: Part;
  days: DayPart;
}

const line = (fields: readonly string[], command: string) => `${fields.join(' ')} ${command}`;
const cronFields = (s: Schedule, drop?: (typeof CONDITIONS)[number]) => [
  ...(drop === 'time' ? ['*', '*'] : s.time.fields),
  ...(drop === 'days' ? ['*', '*', '*'] : s.days.fields),
];

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const plan = TIERS[tier];
  // Minute and hour never equal, so an entry with the two fields swapped runs at other times.
  const schedule = drawUntil(
    rng,
    (r): Schedule => ({ time: TIMES[r.pick(plan.times)]!(r), days: DAYS[r.pick(plan.days)]!(r) }),
    (s) => !s.time.fields[1].split(/[,-]/).includes(s.time.fields[0]),
  );
  const names = rng.sample(JOBS, rng.int(...plan.existing) + 1);
  const job = names[0]!;
  const command = `${BIN}/${job}.sh`;
  const existing = names.slice(1).map((name) => line([rng.pick(EXISTING)], `${BIN}/${name}.sh >> /var/log/ops/${name}.log 2>&1`));
  const header = ['# ops crontab: installed with `crontab crontab` on the jobs host', 'SHELL=/bin/bash', 'MAILTO=ops-alerts@example.com'];
  const start = [...header, ...existing].join('\n') + '\n';
  const entry = line(cronFields(schedule), command);
  const target = `${start}${entry}\n`;
  const when = `${schedule.time.text}, ${schedule.days.text}`;
  const files: Record<string, string> = {
    [CRONTAB]: start,
    'README.md': `# jobs host\n\nbin/ is installed as ${BIN}. ${CRONTAB} is the ops user's crontab (user crontab format: five time fields, then the command).\n`,
  };
  for (const name of names) files[`bin/${name}.sh`] = `#!/bin/bash\n# ${name.replace('-', ' ')}\nset -eu\necho "${name} done"\n`;
  const withEntry = (fields: readonly string[]) => `${start}${line(fields, command)}\n`;
  const swapped = cronFields(schedule);
  [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
  const period = (paths: string[], days: number, from: string) => `${paths.join(' ')}\n${from}\n${days}\n`;
  // Two periods of the job's own times (hidden cases), and one case for the other entries
  // together (a regression guard: the reference and the start agree on it).
  const inputs = [
    period([command], 365, '2027-01-01'),
    period([command], 120, '2028-01-01'),
    period(
      names.slice(1).map((name) => `${BIN}/${name}.sh`),
      365,
      '2027-01-01',
    ),
  ];
  const why = `Cron fields for "${when}": ${entry.slice(0, entry.length - command.length - 1)} (minute, hour, day of month, month, day of week).`;
  const derived = (value: string) => [
    {
      value,
      sources: [when, command, ...start.split('\n').filter((l) => l !== '')],
      how: 'the schedule of the task as cron fields, after the crontab as it is',
    },
  ];
  const appendLine = `echo ${shellQuote(entry)} >> ${CRONTAB}`;
  const looks: Record<'tools' | 'shell', Look> = {
    tools: { call: readFile(CRONTAB), why: `Read ${CRONTAB} first: its entries stay, and show the format.` },
    shell: bashLook(`cat ${CRONTAB}`, [CRONTAB], 'show the listed crontab', `Look at ${CRONTAB} first: its entries stay, and show the format.`),
  };
  const check = bashLook(
    `grep -n ${shellQuote(command)} ${CRONTAB}`,
    [command, CRONTAB],
    'the job of the task searched for in the crontab',
    `Check that ${CRONTAB} now holds one entry for ${command}.`,
  );
  const expert = (view: EpisodeView, strategy: string): ExpertStep => {
    if (strategy === REPLACE) return writeThenSubmit(REPLACE, { [CRONTAB]: `${entry}\n` }, view);
    if (strategy === SWAP) return writeThenSubmit(SWAP, { [CRONTAB]: withEntry(swapped) }, view);
    for (const condition of CONDITIONS)
      if (strategy === relaxStrategy(condition)) return writeThenSubmit(strategy, { [CRONTAB]: withEntry(cronFields(schedule, condition)) }, view);
    for (const [name, fields] of Object.entries(GUESSES))
      if (strategy === guessStrategy(name)) return writeThenSubmit(strategy, { [CRONTAB]: withEntry(fields.split(' ')) }, view);
    const style = strategy === 'append' ? 'shell' : 'tools';
    const look = looks[style];
    if (!view.made(look.call)) return { call: look.call, text: look.why as string, derived: look.derived };
    const current = view.content(CRONTAB);
    if (current !== target) {
      if (style === 'tools')
        return {
          call: { name: 'write_file', arguments: { path: CRONTAB, content: target } },
          text: `${why} Write ${CRONTAB} with its entries as they are and this one after them.`,
          derived: derived(target),
        };
      if (current === start)
        return { call: { name: 'bash', arguments: { command: appendLine } }, text: `${why} Append it to ${CRONTAB}.`, derived: derived(appendLine) };
      const rewrite = writeCommand(CRONTAB, target);
      return {
        call: { name: 'bash', arguments: { command: rewrite } },
        text: `${why} ${CRONTAB} no longer holds only its own entries: write it back with them and this one.`,
        derived: derived(rewrite),
      };
    }
    if (!view.made(check.call, [CRONTAB])) return { call: check.call, text: check.why as string, derived: check.derived };
    return { call: SUBMIT, text: `${CRONTAB} keeps its ${existing.length} entries and runs ${command} ${when}: submit.` };
  };
  const candidates: PlannedCall[] = [
    looks.tools.call,
    looks.shell.call,
    ...rng
      .shuffle([target, withEntry(swapped), withEntry(cronFields(schedule, 'days'))])
      .map((content) => ({ name: 'write_file', arguments: { path: CRONTAB, content } })),
    { name: 'bash', arguments: { command: appendLine } },
    check.call,
    SUBMIT,
  ];
  return {
    instruction:
      `Schedule ${command} (bin/${job}.sh here) in ${CRONTAB}, the ops user's crontab: add an entry that runs it ${when}. ` +
      `Keep every entry already in ${CRONTAB} as it is. The check reads ${CRONTAB} the way cron does and compares when each job runs over a year, so any equivalent cron expression is fine. Call submit when you are done.`,
    files,
    check: {
      kind: 'runs',
      reference: { [CRONTAB]: target },
      suite: {
        kind: 'script',
        command: `python3 -I -B -c ${shellQuote(CRON_TIMES)} ${CRONTAB} .case/period.txt .case/runs.txt`,
        inputPath: '.case/period.txt',
        outputPath: '.case/runs.txt',
        inputs,
      },
    },
    expert,
    candidates,
  };
}

/** code/it-schedule-job: add a crontab entry for a stated schedule, keeping the others. */
export const itScheduleJob: FamilyDef = {
  name: 'it-schedule-job',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Add an entry to a crontab that runs a script on a schedule said in words (weekdays at 06:30, every 15 minutes during office hours, the 1st of each quarter); judged by the times cron would run it over a year, so equivalent expressions pass, and the other entries must keep their times.',
  strategies: ['write-file', 'append'],
  nearMisses: [REPLACE, SWAP],
  components: RUNS_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: Object.keys(GUESSES),
  generate,
};
