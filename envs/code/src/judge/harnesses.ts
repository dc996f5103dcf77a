// The programs that run hidden call cases, given on the command line (never written into the
// directory of the code they judge). They talk to the judge in lockstep over stdin/stdout: the
// judge sends one request line, {"tag", "code", "exec", "seconds"}, first the prelude (exec),
// then one case at a time, and reads one answer line before it sends the next:
//   <nonce> <tag> {"value": ...} | {"error": "<exception name>"}
// So no case exists in the judged process before it is asked, and nothing of the cases is ever
// on disk. The judged code runs in the same process: its prints go to stderr, its stdin is
// empty, and a line it forges would still need the right value, which only the judge knows.

export const PYTHON_HARNESS = `import json
import os
import signal
import sys

NONCE = sys.argv[1]
REQUESTS = sys.stdin
OUT = sys.stdout
sys.stdout = sys.stderr
sys.stdin = open(os.devnull)
sys.path.insert(0, '.')


def reply(tag, payload):
    try:
        line = json.dumps(payload, sort_keys=True, allow_nan=False, default=repr)
    except Exception:
        line = json.dumps({'error': 'Unserializable'})
    OUT.write(f'{NONCE} {tag} {line}\\n')
    OUT.flush()


def on_alarm(signum, frame):
    raise TimeoutError('case timed out')


signal.signal(signal.SIGALRM, on_alarm)
namespace = {'__name__': '__workgym_cases__'}
for line in iter(REQUESTS.readline, ''):
    request = json.loads(line)
    try:
        signal.alarm(request['seconds'])
        if request['exec']:
            exec(compile(request['code'], '<prelude>', 'exec'), namespace)
            payload = {'value': None}
        else:
            payload = {'value': eval(request['code'], namespace)}
    except BaseException as error:
        payload = {'error': type(error).__name__}
    finally:
        signal.alarm(0)
    reply(request['tag'], payload)
`;

export const JS_HARNESS = `import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const nonce = process.argv[1];
const requests = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
const write = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = console.error;
const reply = (tag, payload) => {
  let line;
  try {
    line = JSON.stringify(payload, (_key, value) => (value === undefined ? null : typeof value === 'bigint' ? String(value) : value));
  } catch {
    line = '{"error":"Unserializable"}';
  }
  write(nonce + ' ' + tag + ' ' + line + '\\n');
};
const AsyncFunction = (async () => undefined).constructor;
const load = (path) => import(pathToFileURL(resolve(path)).href);
const withTimeout = (promise, ms) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('case timed out'), { name: 'TimeoutError' })), ms).unref())]);
let ctx;
for (let next = await requests.next(); !next.done; next = await requests.next()) {
  const request = JSON.parse(next.value);
  try {
    if (request.exec) {
      ctx = await withTimeout(new AsyncFunction('load', request.code)(load), request.seconds * 1000);
      reply(request.tag, { value: null });
    } else {
      reply(request.tag, { value: await withTimeout(new AsyncFunction('ctx', 'return (' + request.code + ');')(ctx), request.seconds * 1000) });
    }
  } catch (error) {
    reply(request.tag, { error: (error && error.name) || 'Error' });
  }
}
process.exit(0);
`;
