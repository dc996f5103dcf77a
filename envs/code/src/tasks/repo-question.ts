import type { Rng } from '@workgym/protocol';
import { REPORT_INFEASIBLE, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { ACT_ANYWAY, bashLook, readFile, type Look } from './expert/step.js';
import type { EpisodeView } from './expert/view.js';
import { answerStep as answer, EVERY_CANDIDATE, findAnswerTask, looksThenAnswer } from './shapes/find-answer.js';
import { ANSWER_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const APPS = ['orderly', 'tracksy', 'shipfast', 'notely', 'bookit', 'payflow', 'stockly', 'mailbox', 'quizzer', 'planner'];
const VERBS = ['create', 'update', 'delete', 'list', 'archive', 'restore', 'export', 'import', 'approve', 'reject'];
const NOUNS = ['order', 'user', 'invoice', 'refund', 'coupon', 'ticket', 'report', 'shipment'];
/** The constant attempt: the answer more seeds share than any other (measured over 300 seeds). */
const GUESSES: Record<string, string> = { 'answer-25': '25' };
const MODULES = ['orders', 'users', 'billing', 'support', 'reports', 'catalog', 'search', 'accounts', 'admin', 'exports'];

interface Handler {
  name: string;
  module: string;
  audited: boolean;
}

function handlerSource(h: Handler, rng: Rng): string {
  const body = h.audited
    ? `    record = {'id': ${rng.int(1, 99)}, 'payload': payload}\n    audit('${h.name}', record)\n    return record\n`
    : `    # audit() is not needed here: read-only\n    return {'id': ${rng.int(1, 99)}, 'payload': payload}\n`;
  return `def ${h.name}(payload):\n${body}`;
}

function generate(rng: Rng, infeasible: boolean): TaskInstance {
  const app = rng.pick(APPS);
  // Wide ranges, so no one product is the answer to many seeds.
  const timeout = rng.int(5, 120);
  const slack = rng.int(2, 5);
  const legacyTimeout = timeout + rng.int(5, 20);
  const modules = rng.sample(MODULES, 3);
  // Counts spread wide (2 to 60 audited handlers), so no one number is the answer to many seeds.
  const names = rng.sample(
    VERBS.flatMap((v) => NOUNS.map((n) => `${v}_${n}`)),
    rng.int(7, 64),
  );
  const auditShare = rng.int(1, 9) / 10;
  const handlers: Handler[] = names.map((name, i) => ({ name, module: modules[i % 3]!, audited: i < 2 || rng.next() < auditShare }));
  const files: Record<string, string> = {
    [`${app}/__init__.py`]: `"""${app}: a small service."""\n`,
    [`${app}/config.py`]: `"""Defaults; deployments override them through environment variables."""\n\nDEFAULT_TIMEOUT = ${timeout}\nMAX_CONNECTIONS = ${rng.int(5, 50)}\nRETRY_LIMIT = ${rng.int(2, 6)}\n`,
    [`${app}/client.py`]: `from .config import DEFAULT_TIMEOUT, RETRY_LIMIT

# Network calls get some slack over the configured default.
_SLACK = ${slack}


class Client:
    def __init__(self, timeout=None):
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT * _SLACK
        self.retries = RETRY_LIMIT
`,
    [`${app}/legacy/__init__.py`]: '',
    [`${app}/legacy/client_v1.py`]: `# Kept for old integrations; not used by ${app}.client.\nDEFAULT_TIMEOUT = ${legacyTimeout}\n`,
    [`${app}/audit.py`]: `LOG = []\n\n\ndef audit(action, record):\n    LOG.append((action, record))\n`,
    'README.md': `# ${app}\n\nThe client times out after ${legacyTimeout} seconds unless told otherwise.\n`,
    'tests/test_client.py': `from ${app}.client import Client\n\n\ndef test_custom_timeout():\n    assert Client(timeout=${timeout + 1}).timeout == ${timeout + 1}\n`,
  };
  for (const module of modules) {
    const own = handlers.filter((h) => h.module === module);
    files[`${app}/handlers/${module}.py`] = `from ..audit import audit\n\n\n` + own.map((h) => handlerSource(h, rng)).join('\n\n');
  }
  files[`${app}/handlers/__init__.py`] = '';
  const drawn = rng.pick(handlers);
  const audited = handlers.filter((h) => h.audited);
  // An infeasible seed asks where a function is defined that no file defines: a name of the
  // same vocabulary, so only a search or a read of every module tells it apart.
  const drawnKind = rng.int(0, 2);
  const kind = infeasible ? 1 : drawnKind;
  const target = infeasible ? absentHandler(rng, handlers, names) : drawn;
  const path = `${app}/handlers/${target.module}.py`;
  const pyFiles = Object.keys(files)
    .filter((f) => f.endsWith('.py'))
    .sort();
  const client = `${app}/client.py`;
  const config = `${app}/config.py`;
  const handlerFiles = [...modules].sort().map((m) => `${app}/handlers/${m}.py`);
  const question =
    kind === 0
      ? {
          text: `How many seconds is the timeout of a ${app}.client.Client created without a timeout argument? Answer with the number.`,
          answer: String(timeout * slack),
          wrong: [String(timeout), String(legacyTimeout)],
        }
      : kind === 1
        ? {
            text: `Which file defines the function ${target.name}? Answer with its path relative to the workspace.`,
            answer: path,
            wrong: modules.filter((m) => m !== target.module).map((m) => `${app}/handlers/${m}.py`),
          }
        : {
            text: `How many functions in ${app}/handlers/ call audit(...)? Answer with the number.`,
            answer: String(audited.length),
            wrong: [String(audited.length + 1), String(handlers.length)],
          };
  const read = (file: string, why: string): Look => ({ call: readFile(file), why });
  const auditCalls = audited.map((h) => `audit('${h.name}', record)`);
  const countAnswer = () =>
    answer(
      question.answer,
      auditCalls.length > 0 ? auditCalls : ['audit() is not needed here'],
      'the handler functions with an audit(...) call, counted',
      `${auditCalls.length} handler function(s) call audit('<name>', record); the "# audit() is not needed here" lines are comments, not calls. The answer is ${question.answer}.`,
    );
  let strategies: Record<string, (view: EpisodeView) => ExpertStep>;
  let explore: PlannedCall;
  if (kind === 0) {
    const timeouts = bashLook(
      'grep -rni "timeout" --include=*.py .',
      ['timeout'],
      'search the Python files for the word of the question',
      'Search the Python files for "timeout" to see where the default comes from.',
    );
    const slackLine = bashLook(
      `grep -n "_SLACK =" ${client}`,
      ['_SLACK', client],
      'the _SLACK name the timeout line uses, looked up in its file',
      `${client} computes the default as DEFAULT_TIMEOUT * _SLACK: find the value of _SLACK.`,
    );
    const product = (why: string) =>
      answer(
        question.answer,
        [`DEFAULT_TIMEOUT = ${timeout}`, `_SLACK = ${slack}`, 'DEFAULT_TIMEOUT * _SLACK'],
        'DEFAULT_TIMEOUT of config.py times _SLACK of client.py',
        why,
      );
    const why = `Client() uses DEFAULT_TIMEOUT * _SLACK: DEFAULT_TIMEOUT = ${timeout} (from ${config}, the module client.py imports it from, not the legacy one) and _SLACK = ${slack}, so ${timeout} * ${slack} = ${question.answer}.`;
    strategies = {
      grep: looksThenAnswer([timeouts, slackLine], product(why)),
      read: looksThenAnswer(
        [read(client, `Read ${client}: the question is about its Client.`), read(config, `${client} imports DEFAULT_TIMEOUT from .config: read ${config}.`)],
        product(why),
      ),
    };
    explore = timeouts.call;
  } else if (kind === 1) {
    const search = bashLook(
      `grep -rn "def ${target.name}" .`,
      [target.name],
      'search for the definition of the function the question names',
      `Search the workspace for the definition of ${target.name}.`,
    );
    const found = (why: string) => answer(path, [`def ${target.name}(payload):`, path], 'the file that shows the definition', why);
    const absence = (why: string, sources: string[], how: string): ExpertStep => {
      const reason = `No file of the workspace defines a function named ${target.name}: ${why} So the question asks about a function that does not exist.`;
      return {
        call: { name: REPORT_INFEASIBLE, arguments: { reason } },
        text: `${target.name} is defined nowhere in the workspace: the question has no answer, so report it.`,
        derived: [{ value: reason, sources: [target.name, ...sources], how }],
      };
    };
    const everyFile = pyFiles.map((file, i) =>
      read(file, i === 0 ? `Read every Python file and look for def ${target.name}: ${file} first.` : `No def ${target.name} so far: read ${file}.`),
    );
    const reads = handlerFiles
      .slice(0, handlerFiles.indexOf(path) + 1)
      .map((file, i) =>
        read(
          file,
          i === 0
            ? `Handlers live in ${app}/handlers/: read ${file} and look for def ${target.name}.`
            : `${handlerFiles[i - 1]} does not define ${target.name}: read ${file}.`,
        ),
      );
    strategies = infeasible
      ? {
          grep: looksThenAnswer(
            [search],
            absence(
              `grep -rn "def ${target.name}" . finds nothing (exit code 1, no output).`,
              ['exit code 1', '(no output)'],
              'the search for its definition, empty',
            ),
          ),
          read: looksThenAnswer(
            everyFile,
            absence(
              `none of its ${pyFiles.length} Python files (${pyFiles.join(', ')}) has def ${target.name}.`,
              pyFiles,
              'every Python file read, none defining it',
            ),
          ),
        }
      : {
          grep: looksThenAnswer([search], found(`grep shows def ${target.name} in ${path}.`)),
          read: looksThenAnswer(reads, found(`${path} defines ${target.name}.`)),
        };
    explore = search.call;
  } else {
    const search = bashLook(
      `grep -rn "audit(" ${app}/handlers`,
      ['audit(', `${app}/handlers/`],
      'search the handlers for the call the question names',
      `Search ${app}/handlers/ for audit( calls.`,
    );
    const reads = handlerFiles.map((file, i) =>
      read(file, i === 0 ? `Read each handler module and count the functions that call audit(...): ${file} first.` : `Next handler module: ${file}.`),
    );
    strategies = {
      grep: looksThenAnswer([search], countAnswer()),
      read: looksThenAnswer(reads, countAnswer()),
    };
    explore = search.call;
  }
  return findAnswerTask(
    {
      lead: `Explore the ${app} repository in the workspace and`,
      question,
      files,
      strategies,
      guesses: GUESSES,
      explore: [{ name: 'list_files', arguments: { depth: 3 } }, readFile(config), readFile(client), explore],
      absent: infeasible,
    },
    rng,
  );
}

/**
 * A handler that no module defines (a name of the handlers' vocabulary left unused), placed in
 * the module of the nearest existing one (same verb, else same noun, else the first): the file
 * an agent answering anyway would name.
 */
function absentHandler(rng: Rng, handlers: Handler[], names: string[]): Handler {
  const name = rng.pick(VERBS.flatMap((v) => NOUNS.map((n) => `${v}_${n}`)).filter((n) => !names.includes(n)));
  const [verb, noun] = name.split('_');
  const nearest = handlers.find((h) => h.name.startsWith(`${verb}_`)) ?? handlers.find((h) => h.name.endsWith(`_${noun}`)) ?? handlers[0]!;
  return { name, module: nearest.module, audited: false };
}

/** code/repo-question: answer a question about a code base by exploring it. */
export const repoQuestion: FamilyDef = {
  name: 'repo-question',
  difficulty: 'medium',
  description: 'Answer a question about a small code base (a default value, where a function lives, how many call sites) by exploring it.',
  strategies: ['grep', 'read'],
  nearMisses: [EVERY_CANDIDATE, ACT_ANYWAY],
  components: ANSWER_COMPONENTS,
  collateral: true,
  guesses: Object.keys(GUESSES),
  features: ['infeasible'],
  generate: (rng, _task, _tier, variant) => generate(rng, variant.infeasible),
};
