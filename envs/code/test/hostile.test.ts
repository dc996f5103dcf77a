// Agents that try to break, stall or read past the code env, each through the env's own tools, in
// the real hardened container. Every test owns its container, so one that breaks an instance
// cannot take the others down with it.
import { afterAll, describe, expect, it } from 'vitest';
import { connectDocker, DockerRuntime, LABEL_RUN, type EnvInstance } from '@workgym/runtime';
import { CodeEnv } from '../src/index.js';
import { errorKind, execInContainer, open, ownInstance } from './helpers.js';

const runtime = new DockerRuntime({ runId: `test-code-hostile-${process.pid}` });
const env = new CodeEnv();

afterAll(async () => {
  const left = await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
  expect(left).toEqual([]);
});

/** The workspace as a fresh episode of the family shows it, for comparing after an attack. */
async function freshListing(instance: EnvInstance, family: string): Promise<string> {
  const ep = await open(instance.client, family);
  const listing = await ep.bash('ls -A /workspace ~ /tmp /dev/shm /judge 2>&1 | sort');
  await ep.close();
  return listing.replace(/\(\d+ ms\)/, '');
}

// A Python module that, when the judge imports it, reads everything it can reach and leaves
// behind a tree its owner made unwritable and a file in the agent's sticky directory.
const PROBE = String.raw`
import os
import stat
dump = ['probe ran']
def grab(path):
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            with open(path, 'rb') as f:
                dump.append(path + ': ' + f.read(1 << 20).decode('utf8', 'replace'))
    except OSError as error:
        dump.append(path + ': ' + type(error).__name__)
for top in ['.', '/judge', '/tmp', '/dev/shm', '/opt/workgym']:
    for root, dirs, files in os.walk(top):
        for name in files:
            grab(os.path.join(root, name))
for pid in os.listdir('/proc'):
    if pid.isdigit():
        grab('/proc/%s/cmdline' % pid)
        grab('/proc/%s/environ' % pid)
grab('/opt/workgym/server.mjs')
try:
    os.set_blocking(0, False)
    dump.append('stdin: ' + os.read(0, 1 << 20).decode('utf8', 'replace'))
except OSError as error:
    dump.append('stdin: ' + type(error).__name__)
finally:
    os.set_blocking(0, True)
with open('/workspace/probe.txt', 'w') as f:
    f.write('\n'.join(dump))
open('/workspace/sticky/f', 'w').close()
os.makedirs('/workspace/trap/a/b', exist_ok=True)
os.makedirs('/tmp/trap/a/b', exist_ok=True)
for path in ['/workspace/trap/a/b', '/workspace/trap/a', '/workspace/trap', '/tmp/trap/a/b', '/tmp/trap']:
    os.chmod(path, 0o500)
`;

describe('code env under attack', () => {
  it('judges and resets after the agent leaves trees 3,000 directories deep', { timeout: 300_000 }, async () => {
    const instance = await ownInstance(runtime);
    const family = 'code/py-implement-function';
    const clean = await freshListing(instance, family);
    const ep = await open(instance.client, family);
    const deep = (root: string) => `python3 -c "import os; os.chdir('${root}')\nfor _ in range(3000): os.mkdir('d'); os.chdir('d')\nopen('f', 'w').write('x')"`;
    const many = `python3 -c "import os\nfor i in range(2500): open('/tmp/f%d' % i, 'w'); os.mkdir('m%d' % i)"`;
    await ep.bash(`${deep('/workspace')} && ${deep('/home/agent')} && ${deep('/tmp')} && ${many} && chmod 500 d ~/d /tmp/d && echo built`);
    expect((await ep.step('list_files', { depth: 10 })).observation!.text).toContain('d/d/d/d/d/d/d/d/d/d/');
    const submit = await ep.step('submit');
    expect(submit.terminated).toBe(true);
    expect(submit.verdict!.reward).toBe(0);
    await ep.close();
    expect(await freshListing(instance, family)).toBe(clean);
  });

  it('resets after a chmod 777 workspace and a solution that writes outside its copy; judged code reads no hidden case', { timeout: 300_000 }, async () => {
    const instance = await ownInstance(runtime);
    const family = 'code/py-implement-function';
    const clean = await freshListing(instance, family);
    const task = env.instance(family, 1);
    const check = task.check;
    if (check.kind !== 'runs' || check.suite.kind !== 'python-calls') throw new Error(`${family} is expected to judge Python calls`);
    const shown = Object.values(task.files).join('\n');
    const secret = check.suite.cases.filter((c) => !shown.includes(c));
    expect(secret.length).toBeGreaterThan(3);
    const ep = await open(instance.client, family);
    await ep.bash('chmod 777 /workspace ~ && mkdir sticky && chmod 1777 sticky');
    const solution = PROBE + task.files['solution.py']!;
    expect(errorKind(await ep.step('write_file', { path: 'solution.py', content: solution }))).toBeUndefined();
    const submit = await ep.step('submit');
    expect(submit.verdict!.reward).toBe(0);
    const dump = await execInContainer(instance, ['cat', '/workspace/probe.txt']);
    expect(dump).toContain('probe ran');
    expect(dump).toMatch(/\/opt\/workgym\/server\.mjs: PermissionError/);
    expect(await execInContainer(instance, ['stat', '-c', '%U %a', '/workspace/sticky/f', '/workspace/trap'])).toBe('judge 644\njudge 500\n');
    for (const expression of secret) expect(dump).not.toContain(expression);
    await ep.close();
    expect(await freshListing(instance, family)).toBe(clean);
  });

  it('stops judging when the session closes: no judged process outlives the close', { timeout: 180_000 }, async () => {
    const instance = await ownInstance(runtime);
    const ep = await open(instance.client, 'code/py-implement-function');
    await ep.step('write_file', { path: 'solution.py', content: 'import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n' });
    const submit = ep.step('submit').catch((error: unknown) => error);
    // Wait until the agent's code runs: the third run of the judge (reference, start, agent).
    const probe = ['sh', '-c', 'ls /judge; pgrep -u judge -l python3'];
    const running = (text: string) => text.includes('run-3') && text.includes('python3');
    let judged = '';
    for (let i = 0; i < 200 && !running(judged); i++) {
      judged = await execInContainer(instance, probe);
      if (!running(judged)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(judged).toMatch(/run-3[\s\S]*python3/);
    await ep.close();
    expect(await execInContainer(instance, ['sh', '-c', 'pgrep -u judge -l . || echo none'])).toBe('none\n');
    await submit;
    const next = await open(instance.client, 'code/py-implement-function');
    expect(await next.bash('echo alive')).toContain('alive');
  });

  it('answers file tools on a FIFO or a device link at once and keeps serving', { timeout: 180_000 }, async () => {
    const instance = await ownInstance(runtime);
    const ep = await open(instance.client, 'code/py-fix-bug');
    await ep.bash('mkfifo p && ln -s /dev/zero z && echo made');
    const cases: [string, object, string][] = [
      ['read_file', { path: 'p' }, 'invalid_arguments'],
      ['write_file', { path: 'p', content: 'x' }, 'invalid_arguments'],
      ['edit_file', { path: 'p', old: 'a', new: 'b' }, 'invalid_arguments'],
      ['read_file', { path: 'z' }, 'out_of_bounds'],
      ['write_file', { path: 'z', content: 'x' }, 'out_of_bounds'],
    ];
    for (const [name, args, kind] of cases) {
      const reply = await ep.step(name, args);
      expect(errorKind(reply), `${name} ${JSON.stringify(args)}`).toBe(kind);
      expect(reply.observation!.text).toMatch(/not a regular file|outside the workspace/);
    }
    expect((await ep.step('list_files')).observation!.text).toMatch(/^p \(fifo\)$/m);
    await expect(instance.client.hello()).resolves.toMatchObject({ name: 'code' });
    expect(await ep.bash('echo alive')).toContain('alive');
  });

  it('judges a workspace holding FIFOs where the judge once wrote its harness and cases', { timeout: 180_000 }, async () => {
    const instance = await ownInstance(runtime);
    const ep = await open(instance.client, 'code/py-implement-function');
    await ep.bash('mkfifo .workgym_harness.py .workgym_cases.json .workgym_harness.mjs && echo made');
    const submit = await ep.step('submit');
    expect(submit.verdict!.reward).toBe(0);
    await expect(instance.client.hello()).resolves.toMatchObject({ name: 'code' });
  });

  it('judges a script whose input is a FIFO and whose output links to /dev/zero without harm to the server', { timeout: 180_000 }, async () => {
    const instance = await ownInstance(runtime);
    const ep = await open(instance.client, 'code/sh-log-report');
    await ep.step('write_file', { path: 'report.sh', content: 'ln -sf /dev/zero "$2"\n' });
    await ep.bash('mkdir -p .case && mkfifo .case/input.log && echo made');
    const submit = await ep.step('submit');
    expect(submit.verdict!.reward).toBe(0);
    expect(submit.verdict!.detail).toMatch(/got "<output is not a regular file>"/);
    await expect(instance.client.hello()).resolves.toMatchObject({ name: 'code' });
    await ep.close();
    const again = await open(instance.client, 'code/sh-log-report');
    expect(await again.bash('echo alive')).toContain('alive');
    expect(instance.alive).toBe(true);
  });
});
