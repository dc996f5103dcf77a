import { drawUntil, type Difficulty, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { relaxStrategy, type Rng } from '@workgym/protocol';
import { bashLook, readFile, type Look } from './expert/step.js';
import { answerStep, EVERY_CANDIDATE, findAnswerTask, looksThenAnswer } from './shapes/find-answer.js';
import { ANSWER_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const LOG = 'var/log/syslog';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SERVICES = [
  'billing-api',
  'auth-api',
  'search-api',
  'gateway',
  'mailer',
  'scheduler',
  'inventory',
  'report-worker',
  'notifier',
  'checkout',
  'media-proxy',
  'ledger',
];
const HOSTS = ['web-01', 'web-03', 'app-02', 'app-07', 'ops-04', 'node-11'];

/** The conditions the question states: which service, and when it failed. */
const CONDITIONS = ['service', 'window'] as const;

/** Log size and look-alike errors per tier: other services' errors of the same kind inside the window, the service's own earlier incidents. */
const TIERS: Record<Difficulty, { noise: number; others: number; earlier: number }> = {
  easy: { noise: 110, others: 1, earlier: 1 },
  medium: { noise: 280, others: 2, earlier: 2 },
  hard: { noise: 480, others: 4, earlier: 3 },
};

/** One kind of cause: what the answer is, how it is drawn and how the failing service logs it. */
interface CauseKind {
  ask: string;
  value(rng: Rng, service: string): string;
  line(value: string, rng: Rng): string;
}

const KINDS: CauseKind[] = [
  {
    ask: 'the full path of the file it could not find',
    value: (rng, service) =>
      `/${rng.pick(['etc', 'var/lib', 'opt'])}/${rng.pick([service, rng.pick(SERVICES)])}/${rng.pick(['config', 'settings', 'app', 'tls', 'routes', 'secrets', 'queue', 'templates'])}${rng.pick(['.yaml', '.ini', '.conf', '.env', '.json', '.toml'])}`,
    line: (value, rng) =>
      rng.pick([`FATAL: could not open "${value}": No such file or directory`, `Error: ENOENT: no such file or directory, open '${value}'`]),
  },
  {
    ask: 'the port number that was already in use',
    value: (rng) => String(rng.int(1025, 65000)),
    line: (value, rng) =>
      rng.pick([`error: bind() to 0.0.0.0:${value} failed (98: Address already in use)`, `fatal: listen tcp :${value}: bind: address already in use`]),
  },
  {
    ask: 'the file name of the expired certificate (the name only, without its directory)',
    value: (rng, service) =>
      `${rng.pick([service, rng.pick(SERVICES), 'internal-ca', 'wildcard'])}-${rng.pick(['tls', 'client', 'server', 'mtls'])}-${rng.int(2019, 2025)}.pem`,
    line: (value, rng) =>
      `TLS setup failed: certificate /etc/ssl/${rng.pick(['private', 'certs', 'local'])}/${value} has expired (notAfter=${rng.pick(MONTHS)} ${rng.int(1, 28)} 00:00:00 ${rng.int(2023, 2025)} GMT)`,
  },
  {
    ask: 'the host name it could not connect to',
    value: (rng) =>
      `${rng.pick(['db', 'pg', 'redis', 'mq', 'cache', 'ldap', 'vault'])}-${rng.pick(['primary', 'replica', 'main', 'eu1', 'blue', 'green'])}-${rng.int(1, 9)}.internal`,
    line: (value, rng) =>
      rng.pick([
        `could not connect to server ${value}:${rng.pick(['5432', '6379', '5672', '389'])}: Connection refused`,
        `dial tcp ${value}:${rng.pick(['5432', '6379', '8200'])}: connect: connection refused`,
      ]),
  },
];

const NOISE = [
  (rng: Rng) => `GET /healthz 200 ${rng.int(1, 9)}.${rng.int(0, 9)}ms`,
  (rng: Rng) => `request completed status=200 duration=${rng.int(3, 900)}ms path=/api/v1/${rng.pick(['orders', 'users', 'items', 'reports'])}`,
  (rng: Rng) => `worker heartbeat ok (queue depth ${rng.int(0, 40)})`,
  (rng: Rng) => `connection pool size=${rng.int(4, 64)} idle=${rng.int(0, 4)}`,
  (rng: Rng) => `WARN slow request ${rng.int(1000, 9000)}ms path=/api/v1/${rng.pick(['search', 'export', 'login'])}`,
  (rng: Rng) => `ERROR upstream timed out (110: Connection timed out) after ${rng.int(5, 30)}s`,
  (rng: Rng) => `retrying request to ${rng.pick(SERVICES)} in ${rng.int(1, 9)}s`,
  () => 'reloaded configuration',
];

interface Event {
  t: number;
  source: string;
  text: string;
}

interface Incident {
  service: string;
  value: string;
  /** The first error line's time (seconds of the day). */
  t: number;
}

interface LogTask {
  kind: CauseKind;
  service: string;
  target: Incident;
  /** Other services failing the same way inside the window, the first before the target. */
  others: Incident[];
  /** The service's own incidents of the same kind before the window, each resolved by a restart. */
  earlier: Incident[];
  from: number;
  to: number;
}

const clock = (t: number) => `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}`;
const stamp = (t: number) => `${clock(t)}:${String(t % 60).padStart(2, '0')}`;

function drawTask(rng: Rng, services: string[], tier: Difficulty): LogTask {
  const kind = rng.pick(KINDS);
  const service = services[0]!;
  const from = rng.int(9 * 60, 19 * 60) * 60;
  const to = from + rng.int(3, 8) * 10 * 60;
  const others = Array.from({ length: TIERS[tier].others }, (_, i) => {
    const other = services[1 + (i % (services.length - 1))]!;
    return { service: other, value: kind.value(rng, other), t: i === 0 ? from + rng.int(30, 200) : rng.int(from + 30, to - 60) };
  });
  const target = { service, value: kind.value(rng, service), t: rng.int(from + 300, to - 600) };
  const earlier = Array.from({ length: TIERS[tier].earlier }, () => ({ service, value: kind.value(rng, service), t: rng.int(3600, from - 3 * 3600) }));
  return { kind, service, target, others, earlier, from, to };
}

/** Every answer the log suggests is a different value, and the first look-alike in the window comes before the target. */
function sound(task: LogTask): boolean {
  const values = [task.target, ...task.others, ...task.earlier].map((i) => i.value);
  return new Set(values).size === values.length && task.others[0]!.t < task.target.t;
}

/** The lines of one failure: the error, the exit, restarts that fail the same way; `recovers` ends it with a clean start. */
function incidentEvents(rng: Rng, kind: CauseKind, incident: Incident, recovers: boolean): Event[] {
  const events: Event[] = [];
  let t = incident.t;
  const line = kind.line(incident.value, rng);
  for (let attempt = 0; attempt < rng.int(2, 3); attempt++) {
    events.push({ t, source: `${incident.service}[${rng.int(300, 32000)}]`, text: line });
    events.push({ t, source: 'systemd[1]', text: `${incident.service}.service: Main process exited, code=exited, status=1/FAILURE` });
    events.push({ t: t + 1, source: 'systemd[1]', text: `${incident.service}.service: Scheduled restart job, restart counter is at ${attempt + 1}.` });
    t += rng.int(5, 40);
  }
  if (recovers) {
    t += rng.int(120, 900);
    events.push({ t, source: 'systemd[1]', text: `Started ${incident.service}.service.` });
    events.push({ t: t + 2, source: `${incident.service}[${rng.int(300, 32000)}]`, text: 'started, listening for requests' });
  } else {
    events.push({ t: t + 1, source: 'systemd[1]', text: `${incident.service}.service: Failed with result 'exit-code'.` });
  }
  return events;
}

function render(events: Event[], host: string, day: string): string {
  return (
    [...events]
      .sort((a, b) => a.t - b.t)
      .map((e) => `${day} ${stamp(e.t)} ${host} ${e.source}: ${e.text}`)
      .join('\n') + '\n'
  );
}

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const services = rng.sample(SERVICES, rng.int(4, 7));
  const task = drawUntil(rng, (r) => drawTask(r, services, tier), sound);
  const { kind, service, target } = task;
  const host = rng.pick(HOSTS);
  const month = rng.int(0, 11);
  const date = rng.int(1, 28);
  const day = `${MONTHS[month]} ${String(date).padStart(2, ' ')}`;
  const events: Event[] = [];
  for (let i = 0; i < TIERS[tier].noise; i++) {
    const who = rng.pick(services);
    events.push({ t: rng.int(0, 86_399), source: `${who}[${rng.int(300, 32000)}]`, text: rng.pick(NOISE)(rng) });
  }
  for (let i = 0; i < 6; i++)
    events.push({ t: rng.int(0, 86_399), source: `CRON[${rng.int(300, 32000)}]`, text: '(root) CMD (/usr/local/bin/rotate-logs.sh)' });
  events.push(...incidentEvents(rng, kind, target, false));
  for (const incident of [...task.others, ...task.earlier]) events.push(...incidentEvents(rng, kind, incident, true));
  const log = render(events, host, day);
  const errorLine = (incident: Incident) => {
    const event = events.find((e) => e.t === incident.t && e.source.startsWith(`${incident.service}[`) && e.text.includes(incident.value))!;
    return `${day} ${stamp(event.t)} ${host} ${event.source}: ${event.text}`;
  };
  const targetLine = errorLine(target);
  const firstOwn = [...task.earlier].sort((a, b) => a.t - b.t)[0]!;
  const firstOfKind = [target, ...task.others, ...task.earlier].sort((a, b) => a.t - b.t)[0]!;
  const when = `between ${clock(task.from)} and ${clock(task.to)} on ${MONTHS[month]} ${date}`;
  const files = { [LOG]: log, 'README.md': `# ${host}\n\nThe host's services log through syslog to ${LOG} (one day).\n` };
  const grep = bashLook(
    `grep -n "${service}" ${LOG}`,
    [service, LOG],
    'the service the question names, searched for in the listed log',
    `Search ${LOG} for the lines of ${service} (its own lines and systemd's about ${service}.service).`,
  );
  const read: Look = { call: readFile(LOG), why: `Read ${LOG}: the ${service} lines ${when} tell why it failed.` };
  const answer = (incident: Incident, why: string): ExpertStep =>
    answerStep(incident.value, [errorLine(incident)], `${kind.ask}, read from the error line`, why);
  const earlierNote =
    task.earlier.length > 0 ? ` The ${service} errors before ${clock(task.from)} were earlier incidents, each ended by "Started ${service}.service."; ` : ' ';
  const right = answer(
    target,
    `Between ${clock(task.from)} and ${clock(task.to)} ${service} logged ${JSON.stringify(targetLine.slice(targetLine.indexOf(': ') + 2))} and systemd gave up restarting it.${earlierNote}the other services' errors in the window are not ${service}'s. The cause is ${target.value}.`,
  );
  const explore: PlannedCall[] = [{ name: 'list_files', arguments: { path: '.', depth: 3 } }, read.call, grep.call];
  return {
    ...findAnswerTask(
      {
        lead: `${LOG} holds one day of syslog from the host ${host}. The service ${service} failed ${when} and did not come back. Read the log and`,
        question: {
          text: `What caused that failure? Answer with ${kind.ask}, nothing else.`,
          answer: target.value,
          wrong: [task.others[0]!.value, task.earlier[0]!.value],
        },
        files,
        strategies: { grep: looksThenAnswer([grep], right), read: looksThenAnswer([read], right) },
        explore,
        guesses: { 'first-error': firstOfKind.value, 'answer-8080': '8080' },
        relaxed: {
          [relaxStrategy('service')]: looksThenAnswer(
            [read],
            answer(task.others[0]!, `relax:service: the first error of this kind ${when}, whichever service logged it.`),
          ),
          [relaxStrategy('window')]: looksThenAnswer(
            [grep],
            answer(firstOwn, `relax:window: the first ${service} error of this kind in the log, whenever it was.`),
          ),
        },
      },
      rng,
    ),
  };
}

/** code/it-log-cause: find in a host's syslog why a named service failed in a time window. */
export const itLogCause: FamilyDef = {
  name: 'it-log-cause',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Read a day of syslog from several services and answer why the named service failed in the named window (a missing file, a port in use, an expired certificate, an unreachable host), past look-alike errors of other services and earlier, resolved incidents.',
  strategies: ['grep', 'read'],
  nearMisses: [EVERY_CANDIDATE],
  components: ANSWER_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['first-error', 'answer-8080'],
  generate,
};
