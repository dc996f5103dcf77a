// The programs that run hidden call cases inside the judge's directory. They read the prelude
// and the case expressions from a JSON file and print one line per case:
//   <nonce> <case index> {"value": ...} | {"error": "<exception name>"}
// The agent's code runs in the same process, so its own prints are sent to stderr; a line it
// forges would need the right value anyway, which only the reference run knows (in the server).

export const PYTHON_HARNESS = `import json
import signal
import sys

NONCE = sys.argv[1]
with open(sys.argv[2]) as f:
    SPEC = json.load(f)
OUT = sys.stdout
sys.stdout = sys.stderr
sys.path.insert(0, '.')


def emit(index, payload):
    try:
        line = json.dumps(payload, sort_keys=True, allow_nan=False, default=repr)
    except Exception:
        line = json.dumps({'error': 'Unserializable'})
    OUT.write(f'{NONCE} {index} {line}\\n')
    OUT.flush()


def on_alarm(signum, frame):
    raise TimeoutError('case timed out')


signal.signal(signal.SIGALRM, on_alarm)
namespace = {'__name__': '__workgym_cases__'}
prelude_error = None
try:
    signal.alarm(10)
    exec(compile(SPEC['prelude'], '<prelude>', 'exec'), namespace)
except BaseException as error:
    prelude_error = type(error).__name__
finally:
    signal.alarm(0)
for index, expr in enumerate(SPEC['cases']):
    if prelude_error:
        emit(index, {'error': 'prelude ' + prelude_error})
        continue
    try:
        signal.alarm(5)
        value = eval(expr, namespace)
        signal.alarm(0)
        emit(index, {'value': value})
    except BaseException as error:
        signal.alarm(0)
        emit(index, {'error': type(error).__name__})
`;

export const JS_HARNESS = `import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [nonce, file] = process.argv.slice(2);
const { prelude, cases } = JSON.parse(readFileSync(file, 'utf8'));
const write = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = console.error;
const emit = (index, payload) => {
  let line;
  try {
    line = JSON.stringify(payload, (_key, value) => (value === undefined ? null : typeof value === 'bigint' ? String(value) : value));
  } catch {
    line = '{"error":"Unserializable"}';
  }
  write(nonce + ' ' + index + ' ' + line + '\\n');
};
const AsyncFunction = (async () => undefined).constructor;
const load = (path) => import(pathToFileURL(resolve(path)).href);
const withTimeout = (promise, ms) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('case timed out'), { name: 'TimeoutError' })), ms).unref())]);
let ctx;
let preludeError;
try {
  ctx = await withTimeout(new AsyncFunction('load', prelude)(load), 10000);
} catch (error) {
  preludeError = (error && error.name) || 'Error';
}
for (const [index, expr] of cases.entries()) {
  if (preludeError) {
    emit(index, { error: 'prelude ' + preludeError });
    continue;
  }
  try {
    emit(index, { value: await withTimeout(new AsyncFunction('ctx', 'return (' + expr + ');')(ctx), 5000) });
  } catch (error) {
    emit(index, { error: (error && error.name) || 'Error' });
  }
}
process.exit(0);
`;
