import type { Rng } from '@workgym/protocol';
import { replaceOnce } from './function-specs.js';
import { describeOutput, HARD_CODE, scriptPlan } from './expert/script-work.js';
import { shellQuote, shownStdout } from './expert/shell.js';
import { bashLook, readFile, SUBMIT } from './expert/step.js';
import { workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import type { FamilyDef, TaskInstance } from './task.js';

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

interface Variant {
  describe(service: string): string;
  script(service: string): string;
  /** Plausible mistakes in the script: [from, to]. */
  bugs: [string, string][];
  /** Which parts of a log line the summary needs, as the format shows them. */
  fields: string;
}

const VARIANTS: Variant[] = [
  {
    describe: () =>
      'one line per service that logged at least one ERROR-level line: the service name, a space, and its number of ERROR lines; ' +
      'sorted by that number (largest first), ties by service name (alphabetically, byte order). Only the level field counts: the word ERROR inside a message does not.',
    script: () => `#!/bin/bash
set -eu
export LC_ALL=C
awk '$2 == "ERROR" { s = $3; sub(/:$/, "", s); n[s]++ } END { for (s in n) print s, n[s] }' "$1" | sort -k2,2nr -k1,1 > "$2"
`,
    bugs: [
      ['$2 == "ERROR" {', '/ERROR/ {'],
      ['sort -k2,2nr -k1,1', 'sort -k2,2n -k1,1'],
    ],
    fields: 'the level is field 2 and the service field 3 (with its colon)',
  },
  {
    describe: (service) =>
      `one line per log level that the ${service} service used, in the order DEBUG, INFO, WARN, ERROR (levels it never used are left out): the level, a space, and the number of ${service} lines at that level.`,
    script: (service) => `#!/bin/bash
set -eu
awk -v svc=${service} '{ s = $3; sub(/:$/, "", s); if (s == svc) n[$2]++ }
  END { split("DEBUG INFO WARN ERROR", order, " "); for (i = 1; i <= 4; i++) if (order[i] in n) print order[i], n[order[i]] }' "$1" > "$2"
`,
    bugs: [
      ['if (s == svc) n[$2]++', 'n[$2]++'],
      ['split("DEBUG INFO WARN ERROR", order, " ")', 'split("ERROR WARN INFO DEBUG", order, " ")'],
    ],
    fields: 'the level is field 2 and the service field 3 (with its colon)',
  },
  {
    describe: () =>
      'one line per hour that has log lines: the hour as its timestamp prefix YYYY-MM-DDTHH, a space, and the number of lines in that hour; in chronological order.',
    script: () => `#!/bin/bash
set -eu
export LC_ALL=C
cut -c1-13 "$1" | sort | uniq -c | awk '{ print $2, $1 }' > "$2"
`,
    bugs: [
      ['cut -c1-13', 'cut -c1-10'],
      ["awk '{ print $2, $1 }'", "awk '{ print $1, $2 }'"],
    ],
    fields: 'the hour is the first 13 characters of the line (YYYY-MM-DDTHH)',
  },
];

function logFile(rng: Rng, services: string[]): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, rng.int(0, 11), rng.int(1, 28), rng.int(0, 20), 0, 0);
  for (let i = 0; i < rng.int(40, 90); i++) {
    t += rng.int(1, 400) * 1000;
    const stamp = new Date(t).toISOString().slice(0, 19) + 'Z';
    const level = LEVELS[Math.min(3, Math.floor(rng.next() * rng.next() * 5))]!;
    lines.push(`${stamp} ${level} ${rng.pick(services)}: ${rng.pick(MESSAGES)}`);
  }
  return lines.join('\n') + '\n';
}

const SCRIPT = 'report.sh';
const LOG = 'logs/app.log';
const USAGE = 'bash report.sh INPUT OUTPUT';
const FORMAT = '`TIMESTAMP LEVEL service: message`';

function generate(rng: Rng): TaskInstance {
  const services = rng.sample(SERVICES, rng.int(3, 5));
  const variant = rng.pick(VARIANTS);
  const service = services[0]!;
  const visible = logFile(rng.fork(1), services);
  const hidden = [2, 3, 4].map((salt) => logFile(rng.fork(salt), services));
  const script = variant.script(service);
  const describe = variant.describe(service);
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
        inputs: [visible, ...hidden],
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
        nearMisses: { 'read-visible-log': script.replace('"$1"', LOG) },
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
  generate,
};
