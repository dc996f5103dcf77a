import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectBrowserEnv, idOf } from './helpers.js';

const suite = fileURLToPath(new URL('./fixtures/miniwob', import.meta.url));
let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv({ miniwobDir: suite });
});

afterAll(async () => {
  await h?.close();
});

describe('MiniWoB++ suite loader', () => {
  it('lists each task page of the suite as browser/miniwob.<task>', async () => {
    const { families } = await h.client.listTasks();
    const ids = families.map((f) => f.id).filter((id) => id.startsWith('browser/miniwob.'));
    expect(ids).toEqual(['browser/miniwob.click-button', 'browser/miniwob.enter-text']);
  });

  it('seeds the page: the same seed gives the same task, the query becomes the instruction', async () => {
    const a = await h.client.reset({ family: 'browser/miniwob.click-button', seed: 4 });
    const b = await h.client.reset({ family: 'browser/miniwob.click-button', seed: 4 });
    expect(a.task!.instruction).toMatch(/^Click on the "\w+" button\.$/);
    expect(b.task!.instruction).toBe(a.task!.instruction);
    expect(b.observation!.text).toBe(a.observation!.text);
    await h.client.closeSession(a.session);
    await h.client.closeSession(b.session);
  });

  it('reads the reward from WOB_* globals with the episode timer off: right click 1, wrong click 0', async () => {
    for (const right of [true, false]) {
      const r = await h.client.reset({ family: 'browser/miniwob.click-button', seed: 7 });
      const target = r.task!.instruction.match(/"(\w+)"/)![1]!;
      const label = right ? target : ['Yes', 'No', 'Ok'].find((w) => w !== target)!;
      const reply = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', label) })]);
      expect(reply.terminated).toBe(true);
      expect(reply.verdict?.reward).toBe(right ? 1 : 0);
      expect(reply.verdict?.success).toBe(right);
      await h.client.closeSession(r.session);
    }
  });

  it('runs a typing task through the same step API and refuses an expert', async () => {
    const r = await h.client.reset({ family: 'browser/miniwob.enter-text', seed: 1 });
    const word = r.task!.instruction.match(/"(\w+)"/)![1]!;
    await expect(h.client.expert(r.session)).rejects.toThrow(/no expert/);
    await h.client.step(r.session, [call('fill', { id: idOf(r.observation!.text, 'textbox', 'Text'), text: word })]);
    const done = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', 'Submit') })]);
    expect(done.verdict?.reward).toBe(1);
    await h.client.closeSession(r.session);
  });
});
