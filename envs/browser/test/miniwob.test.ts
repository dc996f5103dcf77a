import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectBrowserEnv, idOf } from './helpers.js';

const suite = fileURLToPath(new URL('./fixtures/miniwob', import.meta.url));
/** The fixture pages (small copies of the upstream pages' logic) that have a scripted expert. */
const EXPERT_PAGES = [
  'choose-list',
  'click-button',
  'click-checkboxes',
  'click-dialog',
  'click-link',
  'click-option',
  'click-tab',
  'click-test',
  'enter-password',
  'enter-text',
  'focus-text',
  'login-user',
];
let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv({ tasks: [suite] });
});

afterAll(async () => {
  await h?.close();
});

/** The id of the first unnamed text field of an observation. */
function textboxId(text: string): number {
  const line = text.split('\n').find((l) => /^\s*\[\d+\] textbox$/.test(l));
  if (!line) throw new Error(`no text field in:\n${text}`);
  return Number(line.match(/\[(\d+)\]/)![1]);
}

describe('MiniWoB++ suite loader', () => {
  it('lists each task page of the suite as browser/miniwob.<task>, with an expert only where one exists', async () => {
    const { families } = await h.client.listTasks();
    const miniwob = families.filter((f) => f.id!.startsWith('browser/miniwob.'));
    expect(miniwob.map((f) => f.id)).toEqual([...EXPERT_PAGES, 'count-sides'].sort().map((p) => `browser/miniwob.${p}`));
    for (const f of miniwob) expect(f.strategies).toEqual(f.id === 'browser/miniwob.count-sides' ? [] : ['read-page']);
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

  it("keeps the suite's reward panel (countdown, episode count) out of every observation", async () => {
    const r = await h.client.reset({ family: 'browser/miniwob.click-button', seed: 2 });
    const target = r.task!.instruction.match(/"(\w+)"/)![1]!;
    expect(r.observation!.text).toContain(`[${idOf(r.observation!.text, 'button', target)}] button`);
    for (const noise of ['Time left', 'Episodes done', 'Last reward', 'START']) expect(r.observation!.text).not.toContain(noise);
    const wrong = ['Yes', 'No', 'Ok'].find((w) => w !== target)!;
    const reply = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', wrong) })]);
    // The page has ended the episode, updated its panel and shown its start cover again.
    for (const noise of ['Time left', 'Episodes done', 'Last reward', 'START']) expect(reply.observation!.text).not.toContain(noise);
    await h.client.closeSession(r.session);
  });

  it('reads the reward from WOB_* globals with the episode timer off: right click 1 (raw 1), wrong click 0 (raw -1)', async () => {
    for (const right of [true, false]) {
      const r = await h.client.reset({ family: 'browser/miniwob.click-button', seed: 7 });
      const target = r.task!.instruction.match(/"(\w+)"/)![1]!;
      const label = right ? target : ['Yes', 'No', 'Ok'].find((w) => w !== target)!;
      const reply = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', label) })]);
      expect(reply.terminated).toBe(true);
      expect(reply.verdict?.reward).toBe(right ? 1 : 0);
      expect(reply.verdict?.success).toBe(right);
      expect(reply.verdict?.components).toEqual({ miniwob_reward: right ? 1 : 0, miniwob_raw_reward: right ? 1 : -1 });
      await h.client.closeSession(r.session);
    }
  });

  it('keeps a partial page reward as the shaped reward: raw and 0..1 components agree, the reward is not success', async () => {
    // A checkbox task that lists some boxes but not all: submitting none checked is partly right.
    // The suite declares no components, so its own reward is the shaped one.
    for (let seed = 0; seed < 30; seed++) {
      const r = await h.client.reset({ family: 'browser/miniwob.click-checkboxes', seed, reward: 'shaped' });
      const boxes = r.observation!.text.split('\n').filter((l) => /\] checkbox /.test(l)).length;
      const list = r.task!.instruction.match(/^Select (.+) and click Submit\.$/)![1]!;
      const listed = list === 'nothing' ? 0 : list.split(', ').length;
      if (listed === 0 || listed === boxes) {
        await h.client.closeSession(r.session);
        continue;
      }
      const reply = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', 'Submit') })]);
      const raw = (boxes - 2 * listed) / boxes;
      expect(reply.verdict?.components).toEqual({ miniwob_reward: Math.max(0, raw), miniwob_raw_reward: raw });
      expect(reply.verdict?.reward).toBe(Math.max(0, raw));
      expect(reply.verdict?.shapedReward).toBe(Math.max(0, raw));
      expect(reply.verdict?.success).toBe(false);
      await h.client.closeSession(r.session);
      return;
    }
    throw new Error('no seed of 30 lists some boxes but not all');
  });

  it('runs a typing task through the same step API', async () => {
    const r = await h.client.reset({ family: 'browser/miniwob.enter-text', seed: 1 });
    const word = r.task!.instruction.match(/"(\w+)"/)![1]!;
    await h.client.step(r.session, [call('fill', { id: textboxId(r.observation!.text), text: word })]);
    const done = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', 'Submit') })]);
    expect(done.verdict?.reward).toBe(1);
    await h.client.closeSession(r.session);
  });

  it('refuses an expert on a page it has none for', async () => {
    const r = await h.client.reset({ family: 'browser/miniwob.count-sides', seed: 1 });
    await expect(h.client.expert(r.session)).rejects.toThrow(/no expert/);
    await h.client.closeSession(r.session);
  });

  it.each(EXPERT_PAGES)('%s: the scripted expert scores 1 on two seeds, with a reason per call; submitting at once scores 0', async (page) => {
    const family = `browser/miniwob.${page}`;
    for (const seed of [0, 5]) {
      const r = await h.client.reset({ family, seed });
      let reply;
      for (let i = 0; i < 12 && !reply?.terminated; i++) {
        const action = await h.client.expert(r.session);
        expect(action.text).not.toBe('');
        reply = await h.client.step(
          r.session,
          action.calls!.map((c) => ({ id: c.id!, name: c.name!, argumentsJson: c.argumentsJson! })),
        );
      }
      expect(reply?.verdict, `${family} seed ${seed}`).toMatchObject({ reward: 1, success: true, components: { miniwob_raw_reward: 1 } });
      await h.client.closeSession(r.session);

      const nothing = await h.client.reset({ family, seed });
      const ended = await h.client.step(nothing.session, [call('submit', {})]);
      expect(ended.verdict).toMatchObject({ reward: 0, success: false, components: { miniwob_raw_reward: -1 } });
      await h.client.closeSession(nothing.session);
    }
  });
});
