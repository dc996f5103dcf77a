import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { replaceOnce } from './function-specs.js';
import { describeOutput, HARD_CODE, scriptPlan } from './expert/script-work.js';
import { shellQuote, shownStdout } from './expert/shell.js';
import { bashLook, readFile, SUBMIT } from './expert/step.js';
import { workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const SERVICES = ['auth', 'billing', 'search', 'payments', 'mailer', 'gateway', 'catalog', 'profile'];
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const MESSAGES = [
  'request served in 12ms',
  'cache miss for key user:42',
  'retrying after ERROR from upstream',
  'connection reset by peer',
  'timeout contacting database',
  'user logged in',
  'queue depth 17',
  'slow query detected (ERROR budget 3%)',
  'config reloaded',
  'WARN threshold reached for disk',
];

/** The conditions every report states: one level, and a time window. */
const CONDITIONS = ['level', 'window'] as const;
type Condition = (typeof CONDITIONS)[number];

/** The constant attempts: a script that writes nothing, and one that copies the log. */
const GUESSES: Record<string, string> = {
  'empty-report': '#!/bin/bash\n: > "$2"\n',
  'copy-input': '#!/bin/bash\ncp "$1" "$2"\n',
};

interface Line {
  stamp: string;
  level: string;
  service: string;
  message: string;
}

/** What one task asks for: lines at `level` with from <= timestamp < to. */
interface Params {
  level: string;
  from: string;
  to: string;
}

interface Variant {
  describe(p: Params): string;
  /** The reference script; without the condition `drop` for its relaxation. */
  script(p: Params, drop?: Condition): string;
  /** The report of `lines`, as the script writes it (the generator's own copy of the rule). */
  report(lines: readonly Line[]): string[];
  /** Plausible mistakes in the script: [from, to]. */
  bugs: [string, string][];
  /** Which parts of a log line the summary needs, as the format shows them. */
  fields: string;
}

const counted = (p: Params) => `counting only the lines at level ${p.level} whose timestamp is at or after ${p.from} and before ${p.to}`;

/** The awk pattern selecting the counted lines: both conditions, or one dropped. */
function pattern(p: Params, drop?: Condition): string {
  const parts = [...(drop === 'level' ? [] : [`$2 == "${p.level}"`]), ...(drop === 'window' ? [] : [`$1 >= "${p.from}" && $1 < "${p.to}"`])];
  return parts.join(' && ');
}

function countBy(lines: readonly Line[], key: (line: Line) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(key(line), (counts.get(key(line)) ?? 0) + 1);
  return counts;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const VARIANTS: Variant[] = [
  {
    describe: (p) =>
      `one line per service with at least one counted line: the service name, a space, and its number of counted lines, ${counted(p)}; ` +
      'sorted by that number (largest first), ties by service name (alphabetically, byte order). Only the level field counts: the word inside a message does not.',
    script: (p, drop) => `#!/bin/bash
set -eu
export LC_ALL=C
awk '${pattern(p, drop)} { s = $3; sub(/:$/, "", s); n[s]++ } END { for (s in n) print s, n[s] }' "$1" | sort -k2,2nr -k1,1 > "$2"
`,
    report: (lines) => [...countBy(lines, (l) => l.service)].sort((a, b) => b[1] - a[1] || byteOrder(a[0], b[0])).map(([service, n]) => `${service} ${n}`),
    bugs: [
      ['sort -k2,2nr -k1,1', 'sort -k2,2n -k1,1'],
      ['$1 < "', '$1 <= "'],
    ],
    fields: 'the timestamp is field 1, the level field 2 and the service field 3 (with its colon)',
  },
  {
    describe: (p) =>
      `one line per hour with at least one counted line: the hour as its timestamp prefix YYYY-MM-DDTHH, a space, and the number of counted lines in that hour, ${counted(p)}; in chronological order.`,
    script: (p, drop) => `#!/bin/bash
set -eu
export LC_ALL=C
awk '${pattern(p, drop)} { print substr($1, 1, 13) }' "$1" | sort | uniq -c | awk '{ print $2, $1 }' > "$2"
`,
    report: (lines) => [...countBy(lines, (l) => l.stamp.slice(0, 13))].sort((a, b) => byteOrder(a[0], b[0])).map(([hour, n]) => `${hour} ${n}`),
    bugs: [
      ['substr($1, 1, 13)', 'substr($1, 1, 10)'],
      ['$1 >= "', '$1 > "'],
    ],
    fields: 'the timestamp is field 1 (its hour the first 13 characters, YYYY-MM-DDTHH) and the level field 2',
  },
];

/** The lines a report counts: both conditions, or one dropped. */
function kept(lines: readonly Line[], p: Params, drop?: Condition): Line[] {
  return lines.filter((l) => (drop === 'level' || l.level === p.level) && (drop === 'window' || (l.stamp >= p.from && l.stamp < p.to)));
}

/**
 * Whether a log serves the task: its report is not empty, and dropping either condition
 * changes it (so a script that ignores one fails on this log).
 */
function telling(variant: Variant, lines: readonly Line[], p: Params): boolean {
  const report = JSON.stringify(variant.report(kept(lines, p)));
  return report !== '[]' && CONDITIONS.every((c) => JSON.stringify(variant.report(kept(lines, p, c))) !== report);
}

function logLines(rng: Rng, services: string[], start: number): Line[] {
  const lines: Line[] = [];
  let t = start;
  for (let i = 0; i < rng.int(40, 90); i++) {
    t += rng.int(1, 400) * 1000;
    const level = LEVELS[Math.min(3, Math.floor(rng.next() * rng.next() * 5))]!;
    lines.push({ stamp: stamp(t), level, service: rng.pick(services), message: rng.pick(MESSAGES) });
  }
  return lines;
}

const stamp = (t: number) => new Date(t).toISOString().slice(0, 19) + 'Z';
const render = (lines: readonly Line[]) => lines.map((l) => `${l.stamp} ${l.level} ${l.service}: ${l.message}`).join('\n') + '\n';

/** `count` logs drawn from salts `first`, `first + 1`, ... that each serve the task. */
function tellingLogs(rng: Rng, count: number, first: number, fit: (lines: Line[]) => boolean, draw: (rng: Rng) => Line[]): Line[][] {
  const logs: Line[][] = [];
  for (let salt = first; logs.length < count; salt++) {
    const lines = draw(rng.fork(salt));
    if (fit(lines)) logs.push(lines);
  }
  return logs;
}

const SCRIPT = 'report.sh';
const LOG = 'logs/app.log';
const USAGE = 'bash report.sh INPUT OUTPUT';
const FORMAT = '`TIMESTAMP LEVEL service: message`';

function generate(rng: Rng): TaskInstance {
  const services = rng.sample(SERVICES, rng.int(3, 5));
  const variant = rng.pick(VARIANTS);
  // Every log covers the same hours, so the window means the same on each.
  const start = Date.UTC(2024, rng.int(0, 11), rng.int(1, 28), rng.int(0, 18), 0, 0);
  const from = start + rng.int(40, 80) * 60_000;
  const params: Params = { level: rng.pick(LEVELS.slice(1)), from: stamp(from), to: stamp(from + rng.int(60, 110) * 60_000) };
  const fit = (lines: Line[]) => telling(variant, lines, params);
  const draw = (r: Rng) => logLines(r, services, start);
  const [visibleLines] = tellingLogs(rng, 1, 1, fit, draw);
  const visible = render(visibleLines!);
  const shown = JSON.stringify(variant.report(kept(visibleLines!, params)));
  // Hidden logs whose reports differ from the visible one's: printing what the visible log
  // gives passes none of them.
  const hidden = tellingLogs(rng, 3, 101, (lines) => fit(lines) && JSON.stringify(variant.report(kept(lines, params))) !== shown, draw).map(render);
  const script = variant.script(params);
  const describe = variant.describe(params);
  const files = { [LOG]: visible, 'README.md': '# ops\n\nLogs of the last deploy are in logs/.\n' };
  const run = bashLook(
    `bash ${SCRIPT} ${LOG} /tmp/report.txt && cat /tmp/report.txt`,
    [USAGE, LOG],
    'the usage line of the task applied to the visible log',
    `${SCRIPT} is written: run it on ${LOG} and look at what it wrote.`,
  );
  const look = bashLook(
    `head -n 5 ${LOG} && wc -l ${LOG}`,
    [LOG],
    'the first lines and the length of the listed log',
    `Look at the first lines of ${LOG} and how long it is.`,
  );
  const mutants = variant.bugs.flatMap(([from, to]) => replaceOnce(script, from, to) ?? []);
  const candidates: PlannedCall[] = [
    look.call,
    readFile(LOG),
    ...rng.shuffle([script, ...mutants]).map((content) => ({ name: 'write_file', arguments: { path: SCRIPT, content } })),
    run.call,
    SUBMIT,
  ];
  return {
    instruction:
      `logs/app.log is an application log: each line is ${FORMAT} (TIMESTAMP like 2024-03-05T10:22:01Z, LEVEL one of DEBUG INFO WARN ERROR). ` +
      `Write a script report.sh such that \`${USAGE}\` reads the log file INPUT and writes to OUTPUT ${describe} ` +
      'The hidden check runs your script on other log files of the same format and compares OUTPUT exactly (trailing whitespace aside). Call submit when you are done.',
    files,
    check: {
      kind: 'runs',
      reference: { [SCRIPT]: script },
      suite: {
        kind: 'script',
        command: 'bash report.sh .case/input.log .case/output.txt',
        inputPath: '.case/input.log',
        outputPath: '.case/output.txt',
        inputs: hidden,
      },
    },
    expert: workExpert(
      scriptPlan({
        path: SCRIPT,
        content: script,
        sources: [describe, FORMAT],
        how: 'the summary the task describes, over the fields of the log format',
        whyWrite: `Each line of ${LOG} is ${FORMAT}, so ${variant.fields}. Write ${SCRIPT} to write to OUTPUT ${describe}`,
        files,
        look: (style) => [style === 'tools' ? { call: readFile(LOG), why: `Read ${LOG} first: its lines show the format.` } : look],
        run,
        whySubmit: (view) => `${SCRIPT} ran on ${LOG} and wrote ${describeOutput(shownStdout(view.output(run.call)))}: submit.`,
        nearMisses: {
          'read-visible-log': script.replace('"$1"', LOG),
          ...Object.fromEntries(CONDITIONS.map((c) => [relaxStrategy(c), variant.script(params, c)])),
          ...Object.fromEntries(Object.entries(GUESSES).map(([name, content]) => [guessStrategy(name), content])),
        },
        hardCode: (stdout) => `#!/bin/bash\nprintf '%s\\n' ${shellQuote(stdout)} > "$2"\n`,
      }),
    ),
    candidates,
  };
}

/** code/sh-log-report: write a shell script that summarises a log file. */
export const shLogReport: FamilyDef = {
  name: 'sh-log-report',
  difficulty: 'medium',
  description: 'Write a shell script that parses an application log and writes a summary file; run on hidden logs.',
  strategies: ['write-file', 'heredoc'],
  nearMisses: [HARD_CODE, 'read-visible-log'],
  components: RUNS_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: Object.keys(GUESSES),
  generate,
};
