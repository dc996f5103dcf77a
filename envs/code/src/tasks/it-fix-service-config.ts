import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type PlannedCall } from '@workgym/protocol/kit';
import { shellQuote } from './expert/shell.js';
import { bashLook, readFile, SUBMIT, writeThenSubmit } from './expert/step.js';
import { keep, workExpert, type Target } from './expert/work.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const APP = 'service/app.py';
const CONFIG = 'service/app.ini';
const MOTD = 'service/data/motd.txt';
const RUN = `python3 ${APP} ${CONFIG}`;
const NAMES = [
  'billing-status',
  'auth-status',
  'orders-api',
  'stock-feed',
  'mail-relay',
  'report-hub',
  'asset-index',
  'ticket-desk',
  'payroll-api',
  'media-cache',
];
const MOTDS = [
  'Maintenance window Sunday 02:00-04:00 UTC',
  'Deploy freeze until the quarter closes',
  'On call this week: platform team',
  'Read-only mode during the database migration',
  'New TLS certificates roll out on Thursday',
  'Backups verified nightly at 01:30',
];

/** What the instruction states: the port it must listen on, and the name it answers with. */
const CONDITIONS = ['port', 'name'] as const;
const HARD_CODE = 'hard-code-service';
const APPEND = 'append-override';

/** The service. It reads the config it is given; the task never asks to change it. */
const SERVICE = `"""A small status service: GET /health and GET /motd, configured by an INI file."""
import configparser
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def load(path):
    config = configparser.ConfigParser(interpolation=None)
    with open(path) as f:
        config.read_file(f)
    return config


def main():
    config = load(sys.argv[1] if len(sys.argv) > 1 else 'service/app.ini')
    server, app = config['server'], config['app']
    name = app['name']
    with open(app['motd_file']) as f:
        motd = f.readline().strip()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == '/health':
                body = 'ok ' + name
            elif self.path == '/motd':
                body = name + ': ' + motd
            else:
                self.send_error(404)
                return
            data = (body + '\\n').encode()
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    HTTPServer((server.get('host', '127.0.0.1'), int(server['port'])), Handler).serve_forever()


if __name__ == '__main__':
    main()
`;

/**
 * The check's program, `python3 -c PROBE CASE OUTPUT`, run in the judged copy of the workspace.
 * CASE is `GET PORT PATH...`: start the service as the task runs it, wait until it listens (on
 * whatever port) or exits, ask each path on PORT, stop it; or `settings KEY...`: the config's
 * values of those keys (section.key), as configparser reads them.
 */
const PROBE = String.raw`import configparser, os, socket, subprocess, sys, time, urllib.request
words = open(sys.argv[1]).read().split()
out = open(sys.argv[2], 'w')


def listening(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=1).close()
        return True
    except OSError:
        return False


def listens(pid):
    # Any listening socket of the service, whatever its port: one on the wrong port ends the wait.
    try:
        fds = {os.readlink('/proc/%d/fd/%s' % (pid, fd)) for fd in os.listdir('/proc/%d/fd' % pid)}
        for table in ('/proc/net/tcp', '/proc/net/tcp6'):
            for row in open(table).read().split('\n')[1:]:
                cols = row.split()
                if len(cols) > 9 and cols[3] == '0A' and 'socket:[%s]' % cols[9] in fds:
                    return True
    except OSError:
        pass
    return False


if words[0] == 'settings':
    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read_file(open('service/app.ini'))
    except Exception as error:
        out.write('unreadable config: %s\n' % type(error).__name__)
        sys.exit(0)
    for key in words[1:]:
        section, option = key.split('.', 1)
        out.write('%s = %s\n' % (key, config.get(section, option, fallback='<missing>')))
    sys.exit(0)
port, paths = int(words[1]), words[2:]
for _ in range(50):
    if not listening(port):
        break
    time.sleep(0.2)
service = subprocess.Popen(['python3', 'service/app.py', 'service/app.ini'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        if service.poll() is not None or listens(service.pid):
            break
        time.sleep(0.1)
    for path in paths:
        try:
            with urllib.request.urlopen('http://127.0.0.1:%d%s' % (port, path), timeout=5) as reply:
                out.write('%s: %d %s\n' % (path, reply.status, reply.read().decode().strip()))
        except Exception as error:
            out.write('%s: no answer on port %d (%s)\n' % (path, port, type(error).__name__))
finally:
    service.kill()
`;

interface Fault {
  /** The config line as it should be, and as it is. */
  right: string;
  wrong: string;
  /** Why the wrong line is wrong, in the words of someone who read the config and the task. */
  why: string;
}

interface Drawn {
  port: number;
  wrongPort: number;
  name: string;
  wrongName: string;
}

function configText(lines: Record<string, string[]>): string {
  return Object.entries(lines)
    .map(([section, body]) => `[${section}]\n${body.join('\n')}\n`)
    .join('\n');
}

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const drawn = drawUntil(
    rng,
    (r): Drawn => {
      const name = r.pick(NAMES);
      return { port: r.int(20000, 29999), wrongPort: r.int(20000, 29999), name, wrongName: r.pick([`${name}-staging`, `${name}-old`, r.pick(NAMES)]) };
    },
    (d) => d.port !== d.wrongPort && d.name !== d.wrongName,
  );
  const { port, name } = drawn;
  const faults: Record<string, Fault> = {
    port: { right: `port = ${port}`, wrong: `port = ${drawn.wrongPort}`, why: `port is ${drawn.wrongPort}, but the service must listen on port ${port}` },
    name: { right: `name = ${name}`, wrong: `name = ${drawn.wrongName}`, why: `name is ${drawn.wrongName}, but it must answer as ${name}` },
  };
  const badPath = rng.pick(['data/motd.txt', 'service/motd.txt', 'service/data/mtod.txt', 'service/data/motd.old.txt']);
  if (tier !== 'easy') {
    faults.motd = {
      right: `motd_file = ${MOTD}`,
      wrong: `motd_file = ${badPath}`,
      why: `motd_file points at ${badPath}, but /motd must give the first line of ${MOTD}`,
    };
  }
  if (tier === 'hard') {
    const key = rng.pick(['port', 'name', 'motd_file']);
    const typo = { port: 'prot', name: 'nmae', motd_file: 'motd_flie' }[key]!;
    const fault = faults[key === 'motd_file' ? 'motd' : key]!;
    faults[`${key}-key`] = { right: fault.right, wrong: fault.wrong.replace(key, typo), why: `the key ${typo} is misspelt: ${APP} reads ${key}` };
    if (key === 'motd_file') delete faults.motd;
    else delete faults[key];
  }
  const settings = drawSettings(rng, tier);
  const render = (pick: (right: string) => string, p = port, n = name) => configText(sectionsOf(settings, pick, p, n));
  const config = render((right) => Object.values(faults).find((f) => f.right === right)?.wrong ?? right);
  const fixed = render((right) => right);
  // A condition dropped: its line keeps the configured value (a misspelt key still gets fixed).
  const relaxed = (condition: string) =>
    render((right) => {
      const entry = Object.entries(faults).find(([, f]) => f.right === right);
      if (!entry) return right;
      if (entry[0] === condition) return entry[1].wrong;
      return entry[0] === `${condition}-key` ? entry[1].wrong.replace(/^\S+/, condition) : right;
    });
  const example = render((right) => right, 8080, 'example');
  const settingKeys = Object.entries(sectionsOf(settings, (right) => right, port, name)).flatMap(([section, lines]) =>
    lines.filter((l) => !Object.values(faults).some((f) => f.right === l)).map((l) => `${section}.${l.split(' = ')[0]}`),
  );
  const motd = rng.pick(MOTDS);
  const files: Record<string, string> = {
    [APP]: SERVICE,
    [CONFIG]: config,
    [`${CONFIG}.example`]: example,
    [MOTD]: `${motd}\nPosted by the ops team.\n`,
    'README.md': `# ${name}\n\nRun it with \`${RUN}\`. GET /health answers \`ok <name>\`, GET /motd \`<name>: \` and the first line of the motd file.\n`,
  };
  if (tier !== 'easy') files['service/data/motd.old.txt'] = `${rng.pick(MOTDS.filter((m) => m !== motd))}\n`;
  // The answers on both paths are the hidden case (the start never gives them; one service start
  // asks both); the settings the task does not judge are one regression case.
  const inputs = [`GET ${port} /health /motd`, `settings ${settingKeys.join(' ')}`];
  const ask = [
    'import time, urllib.request',
    "for path in ('/health', '/motd'):",
    '    for _ in range(50):',
    '        try:',
    `            print(urllib.request.urlopen('http://127.0.0.1:${port}' + path, timeout=5).read().decode().strip())`,
    '            break',
    '        except OSError:',
    '            time.sleep(0.2)',
    '    else:',
    "        print('no answer on ' + path)",
  ].join('\n');
  const query = `${RUN} & python3 -c ${shellQuote(ask)}`;
  const check = bashLook(
    query,
    [RUN, String(port), '/health', '/motd'],
    'the run line of the task in the background, then both paths asked on the port the task names',
    `Start the service as the task runs it and ask it for /health and /motd on port ${port}.`,
  );
  const tryRun = bashLook(
    `timeout 5 ${RUN}`,
    [RUN],
    'the run line of the task, stopped after 5 seconds',
    'Start the service the way the task runs it and see whether it fails.',
  );
  const listData = bashLook(
    'ls -l service/data',
    ['service/data'],
    'list the data folder the listing shows',
    `See which files service/data holds (the task names ${MOTD}).`,
  );
  const why = Object.values(faults)
    .map((f) => f.why)
    .join('; ');
  const target: Target = {
    path: CONFIG,
    content: fixed,
    sources: [`port ${port}`, `ok ${name}`, MOTD, "app['name']", "app['motd_file']", "int(server['port'])"],
    how: 'the configured values the task and the service code ask for, every other line as it is',
    whyRead: () => `Read ${CONFIG} before changing it: ${APP} takes its port, name and motd file from there.`,
    whyChange: () => `In ${CONFIG}: ${why}. Fix those lines and nothing else.`,
  };
  const hardCoded = SERVICE.replace("int(server['port'])", String(port))
    .replace("server.get('host', '127.0.0.1')", "'127.0.0.1'")
    .replace("name = app['name']", `name = '${name}'`)
    .replace("open(app['motd_file'])", `open('${MOTD}')`)
    .replace("    config = load(sys.argv[1] if len(sys.argv) > 1 else 'service/app.ini')\n    server, app = config['server'], config['app']\n", '');
  const withCandidates: PlannedCall[] = [
    readFile(CONFIG),
    readFile(APP),
    listData.call,
    tryRun.call,
    ...rng.shuffle([fixed, relaxed('port'), relaxed('name')]).map((content) => ({ name: 'write_file', arguments: { path: CONFIG, content } })),
    check.call,
    SUBMIT,
  ];
  return {
    instruction:
      `The status service in service/ (run it with \`${RUN}\`) must listen on 127.0.0.1 port ${port} and answer GET /health with \`ok ${name}\` and GET /motd with \`${name}: \` followed by the first line of ${MOTD}. ` +
      `It does not: fix its configuration, ${CONFIG}. Change only what is wrong there; the other settings and the service's code stay as they are. The check starts the service from your workspace and asks it. Call submit when you are done.`,
    files,
    check: {
      kind: 'runs',
      reference: { [CONFIG]: fixed },
      suite: {
        kind: 'script',
        command: `python3 -I -B -c ${shellQuote(PROBE)} .case/request.txt .case/reply.txt`,
        inputPath: '.case/request.txt',
        outputPath: '.case/reply.txt',
        inputs,
      },
    },
    expert: workExpert({
      strategies: { 'edit-file': 'tools', shell: 'shell' },
      look: (style) => [
        style === 'tools'
          ? { call: readFile(APP), why: `Read ${APP}: which keys it reads and what it does with them.` }
          : bashLook(`cat ${APP}`, [APP], 'show the listed service script', `Look at ${APP}: which keys it reads and what it does with them.`),
        tryRun,
        listData,
      ],
      targets: [
        target,
        ...Object.entries(files)
          .filter(([path]) => path !== CONFIG)
          .map(([path, content]) => keep(path, content)),
      ],
      check: () => check,
      whySubmit: (view) => `The service answered ${view.output(check.call)?.includes(`ok ${name}`) ? `\`ok ${name}\`` : 'as asked'} on port ${port}: submit.`,
      nearMisses: {
        [HARD_CODE]: (view) => writeThenSubmit(HARD_CODE, { [APP]: hardCoded }, view),
        [APPEND]: (view) => writeThenSubmit(APPEND, { [CONFIG]: `${config}\n[server]\nport = ${port}\n\n[app]\nname = ${name}\nmotd_file = ${MOTD}\n` }, view),
        ...Object.fromEntries(CONDITIONS.map((c) => [relaxStrategy(c), (view) => writeThenSubmit(relaxStrategy(c), { [CONFIG]: relaxed(c) }, view)])),
        [guessStrategy('port-8080')]: (view) => writeThenSubmit('port-8080', { [CONFIG]: config.replace(/^(prot|port) = \d+$/m, '$1 = 8080') }, view),
        [guessStrategy('copy-example')]: (view) => writeThenSubmit('copy-example', { [CONFIG]: example }, view),
      },
    }),
    candidates: withCandidates,
  };
}

/** The settings the task never judges, drawn once so every version of the config shares them. */
function drawSettings(r: Rng, tier: Difficulty) {
  return {
    workers: r.int(2, 8),
    timeout: r.int(10, 60),
    level: r.pick(['info', 'warning', 'debug']),
    refresh: r.int(30, 600),
    cache: tier === 'hard' ? { backend: r.pick(['memory', 'redis']), ttl: r.int(60, 3600) } : undefined,
  };
}

/** The config's sections, each line the task may judge passed through `pick`. */
function sectionsOf(s: ReturnType<typeof drawSettings>, pick: (right: string) => string, port: number, name: string): Record<string, string[]> {
  const result: Record<string, string[]> = {
    server: ['host = 127.0.0.1', pick(`port = ${port}`), `workers = ${s.workers}`, `timeout_s = ${s.timeout}`],
    app: [pick(`name = ${name}`), pick(`motd_file = ${MOTD}`), `log_level = ${s.level}`, `motd_refresh_s = ${s.refresh}`],
  };
  if (s.cache) {
    result.cache = [`backend = ${s.cache.backend}`, `ttl_s = ${s.cache.ttl}`];
    result.metrics = ['enabled = true', 'path = /metrics'];
  }
  return result;
}

/** code/it-fix-service-config: fix the config of a small HTTP service so it answers as stated. */
export const itFixServiceConfig: FamilyDef = {
  name: 'it-fix-service-config',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'A small Python HTTP service answers on the wrong port, with the wrong name, reads a missing file or a misspelt key: fix its INI config so the judge, starting it from the workspace, gets the stated answers; the service code and the other settings stay as they are.',
  strategies: ['edit-file', 'shell'],
  nearMisses: [HARD_CODE, APPEND],
  components: RUNS_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['port-8080', 'copy-example'],
  generate,
};
