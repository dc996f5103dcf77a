// Task sets in the code env's hardened container, through the docker runtime: the file is
// mounted read-only where the server reads it and the agent cannot, the expert's reference
// solutions succeed and the empty bodies fail.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker, DockerRuntime, LABEL_RUN, type EnvInstance } from '@workgym/runtime';
import { codeSpec, open } from './helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'task-sets');
const runtime = new DockerRuntime({ runId: `test-code-task-sets-${process.pid}` });
let instance: EnvInstance;

beforeAll(async () => {
  // A copy in a folder of its own, as a team would name its file.
  const dir = mkdtempSync(join(tmpdir(), 'workgym-code-tasks-'));
  for (const name of ['humaneval-mini.jsonl', 'code-tasks.jsonl']) cpSync(join(FIXTURES, name), join(dir, name));
  instance = await runtime.start(
    { ...(await codeSpec()), tasks: [join(dir, 'humaneval-mini.jsonl'), join(dir, 'code-tasks.jsonl')] },
    { callDeadlineMs: 120_000 },
  );
}, 600_000);

afterAll(async () => {
  await instance?.close();
  const left = await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
  expect(left).toEqual([]);
});

describe('code task sets in the container', () => {
  it('lists the mounted sets beside the generated families', async () => {
    const ids = (await instance.client.listTasks()).families.map((f) => f.id);
    expect(ids).toContain('code/py-implement-function');
    expect(ids).toEqual(
      expect.arrayContaining(['code/humaneval.HumanEval-0', 'code/humaneval.HumanEval-2', 'code/code-tasks.slugify', 'code/shell-basics.count-lines']),
    );
  });

  it('runs HumanEval with the reference solutions at 100% and the empty bodies at 0%', { timeout: 300_000 }, async () => {
    for (const family of ['code/humaneval.HumanEval-0', 'code/humaneval.HumanEval-1', 'code/humaneval.HumanEval-2']) {
      const solved = await open(instance.client, family);
      let reply = await solved.step('read_file', { path: 'solution.py' });
      while (!reply.terminated) reply = await instance.client.step(solved.session, (await instance.client.expert(solved.session)).calls);
      expect(reply.verdict?.success, `${family}: ${reply.verdict?.detail}`).toBe(true);
      await solved.close();
      const empty = await open(instance.client, family);
      const submitted = await empty.step('submit');
      expect(submitted.verdict).toMatchObject({ success: false, reward: 0 });
      await empty.close();
    }
  });

  it("keeps the mounted task files, with their tests and reference solutions, out of the agent's reach", async () => {
    const ep = await open(instance.client, 'code/shell-basics.count-lines');
    const text = await ep.bash('cat /workgym/tasks/1/code-tasks.jsonl; ls /workgym; cat hidden.txt');
    expect(text).toContain('/workgym/tasks/1/code-tasks.jsonl: Permission denied');
    expect(text).toContain("ls: cannot open directory '/workgym': Permission denied");
    expect(text).toContain('hidden.txt: No such file or directory');
    expect(text).not.toContain('grep -c');
    await ep.close();
  });
});
