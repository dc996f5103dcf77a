import type { Rng } from '@workgym/protocol';
import type { FamilyDef, PlannedCall, TaskInstance } from './task.js';

const APPS = ['orderly', 'tracksy', 'shipfast', 'notely', 'bookit'];
const VERBS = ['create', 'update', 'delete', 'list', 'archive', 'restore', 'export', 'import', 'approve', 'reject'];
const NOUNS = ['order', 'user', 'invoice', 'refund', 'coupon', 'ticket', 'report', 'shipment'];
const MODULES = ['orders', 'users', 'billing', 'support', 'reports'];

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

function generate(rng: Rng): TaskInstance {
  const app = rng.pick(APPS);
  const timeout = rng.int(3, 40);
  const slack = rng.int(2, 4);
  const legacyTimeout = timeout + rng.int(5, 20);
  const modules = rng.sample(MODULES, 3);
  const names = rng.sample(
    VERBS.flatMap((v) => NOUNS.map((n) => `${v}_${n}`)),
    rng.int(7, 11),
  );
  const handlers: Handler[] = names.map((name, i) => ({ name, module: modules[i % 3]!, audited: rng.int(0, 2) > 0 }));
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
    files[`${app}/handlers/${module}.py`] =
      `from ..audit import audit\n\n\n` + own.map((h) => handlerSource(h, rng)).join('\n\n');
  }
  files[`${app}/handlers/__init__.py`] = '';
  const target = rng.pick(handlers);
  const audited = handlers.filter((h) => h.audited).length;
  const kind = rng.int(0, 2);
  const path = `${app}/handlers/${target.module}.py`;
  const question =
    kind === 0
      ? { text: `How many seconds is the timeout of a ${app}.client.Client created without a timeout argument? Answer with the number.`, answer: String(timeout * slack), wrong: [String(timeout), String(legacyTimeout)] }
      : kind === 1
        ? { text: `Which file defines the function ${target.name}? Answer with its path relative to the workspace.`, answer: path, wrong: modules.filter((m) => m !== target.module).map((m) => `${app}/handlers/${m}.py`) }
        : { text: `How many functions in ${app}/handlers/ call audit(...)? Answer with the number.`, answer: String(audited), wrong: [String(audited + 1), String(handlers.length)] };
  const explore: PlannedCall[] =
    kind === 0
      ? [{ name: 'bash', arguments: { command: 'grep -rn "TIMEOUT\\|_SLACK" --include=*.py .' } }]
      : kind === 1
        ? [{ name: 'bash', arguments: { command: `grep -rn "def ${target.name}" .` } }]
        : [{ name: 'bash', arguments: { command: `grep -rn "audit(" ${app}/handlers` } }];
  const candidates: PlannedCall[] = [
    { name: 'list_files', arguments: { depth: 3 } },
    { name: 'read_file', arguments: { path: `${app}/config.py` } },
    { name: 'read_file', arguments: { path: `${app}/client.py` } },
    ...explore,
    ...rng.shuffle([question.answer, ...question.wrong]).map((text) => ({ name: 'answer', arguments: { text } })),
  ];
  return {
    instruction: `Explore the ${app} repository in the workspace and answer: ${question.text} Give your final answer with the answer tool (it ends the episode).`,
    files,
    check: { kind: 'answer', accept: [question.answer] },
    expert: { explore, answer: question.answer },
    candidates,
  };
}

/** code/repo-question: answer a question about a code base by exploring it. */
export const repoQuestion: FamilyDef = {
  name: 'repo-question',
  difficulty: 'medium',
  description: 'Answer a question about a small code base (a default value, where a function lives, how many call sites) by exploring it.',
  candidates: true,
  generate,
};
