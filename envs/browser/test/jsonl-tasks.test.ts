import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectBrowserEnv, idOf } from './helpers.js';

const tasks = fileURLToPath(new URL('./fixtures/browser-tasks/tasks.jsonl', import.meta.url));
let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv({ tasks: [tasks] });
});

afterAll(async () => {
  await h?.close();
});

/** Fills the pizza order form of task order-1 (shown in `form`) and places it; `extras` are the boxes ticked. */
async function order(session: string, form: string, name: string, size: string, extras: readonly string[]): Promise<string> {
  await h.client.step(session, [call('fill', { id: idOf(form, 'textbox', 'Customer name'), text: name })]);
  await h.client.step(session, [call('select', { id: idOf(form, 'combobox', 'Size'), option: size })]);
  for (const extra of extras) await h.client.step(session, [call('click', { id: idOf(form, 'checkbox', extra) })]);
  const placed = await h.client.step(session, [call('click', { id: idOf(form, 'button', 'Place order') })]);
  return placed.observation!.text;
}

describe('generic browser tasks (JSON Lines)', () => {
  it('serves the site at the start page with the instruction; an exact form submission succeeds', async () => {
    const r = await h.client.reset({ family: 'browser/tasks.order-1', seed: 0 });
    expect(r.task!.instruction).toBe('Order a large pizza for Dana Reyes with olives and basil.');
    expect(r.observation!.text).toContain('URL: http://site.test/index.html');
    const after = await order(r.session, r.observation!.text, 'Dana Reyes', 'Large', ['Olives', 'Basil']);
    expect(after).toContain('The form was submitted.');
    const done = await h.client.step(r.session, [call('submit', {})]);
    expect(done.verdict).toMatchObject({ reward: 1, success: true, components: { submission_1: 1, no_wrong_submission: 1 } });
    await h.client.closeSession(r.session);
  });

  it('fails a near miss: one wrong field (a third extra, another size) fails, so does a right submission after a wrong one', async () => {
    for (const [size, extras] of [
      ['Large', ['Olives', 'Basil', 'Chili']],
      ['Medium', ['Olives', 'Basil']],
    ] as const) {
      const r = await h.client.reset({ family: 'browser/tasks.order-1', seed: 0 });
      await order(r.session, r.observation!.text, 'Dana Reyes', size, extras);
      const done = await h.client.step(r.session, [call('submit', {})]);
      expect(done.verdict).toMatchObject({ success: false, components: { submission_1: 0, no_wrong_submission: 0 } });
      expect(done.verdict!.reward).toBeLessThan(1);
      await h.client.closeSession(r.session);
    }
    // Spraying guesses: a wrong order, then the right one.
    const r = await h.client.reset({ family: 'browser/tasks.order-1', seed: 0 });
    await order(r.session, r.observation!.text, 'Dana Reye', 'Large', ['Olives', 'Basil']);
    const form = await h.client.step(r.session, [call('goto', { url: 'http://site.test/index.html' })]);
    await order(r.session, form.observation!.text, 'Dana Reyes', 'Large', ['Olives', 'Basil']);
    const done = await h.client.step(r.session, [call('submit', {})]);
    expect(done.verdict).toMatchObject({ success: false, components: { submission_1: 1, no_wrong_submission: 0 } });
    await h.client.closeSession(r.session);
  });

  it('records a GET form submission and compares its query', async () => {
    for (const [query, right] of [
      ['blue kettle', true],
      ['blue kettles', false],
    ] as const) {
      const r = await h.client.reset({ family: 'browser/tasks.search-2', seed: 0 });
      await h.client.step(r.session, [call('fill', { id: idOf(r.observation!.text, 'searchbox', 'Search'), text: query })]);
      const results = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'button', 'Search') })]);
      expect(results.observation!.text).toContain('Title: Results');
      const done = await h.client.step(r.session, [call('submit', {})]);
      expect(done.verdict?.success).toBe(right);
      await h.client.closeSession(r.session);
    }
  });

  it('checks an answer against the hidden truth: the right code 1, a hedged or wrong one 0', async () => {
    for (const [text, reward] of [
      ['k-42', 1],
      ['K-42 or K-41', 0],
      ['K-41', 0],
    ] as const) {
      const r = await h.client.reset({ family: 'browser/tasks.code-3', seed: 0 });
      const about = await h.client.step(r.session, [call('click', { id: idOf(r.observation!.text, 'link', 'About us') })]);
      expect(about.observation!.text).toContain('The warehouse code is K-42');
      const done = await h.client.step(r.session, [call('answer', { text })]);
      expect(done.verdict?.reward).toBe(reward);
      await h.client.closeSession(r.session);
    }
  });

  it('gives nothing for doing nothing, and has no expert', async () => {
    for (const family of ['browser/tasks.order-1', 'browser/tasks.search-2', 'browser/tasks.code-3']) {
      const r = await h.client.reset({ family, seed: 0 });
      await expect(h.client.expert(r.session)).rejects.toThrow(/no expert/);
      const done = await h.client.step(r.session, [call('submit', {})]);
      expect(done.verdict).toMatchObject({ reward: 0, success: false });
      await h.client.closeSession(r.session);
    }
  });
});
