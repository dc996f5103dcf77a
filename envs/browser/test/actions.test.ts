import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResetReply } from '@workgym/protocol';
import { call, connectBrowserEnv, idOf } from './helpers.js';

let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv();
});

afterAll(async () => {
  await h?.close();
});

async function withEpisode(family: string, body: (reset: ResetReply) => Promise<void>, options?: Record<string, unknown>) {
  const reset = await h.client.reset({ family, seed: 1, options });
  try {
    await body(reset);
  } finally {
    await h.client.closeSession(reset.session);
  }
}

describe('observation', () => {
  it('shows URL, title and an accessibility tree with element ids, plus candidate actions', async () => {
    await withEpisode('browser/shop-buy-cheapest', async (reset) => {
      const text = reset.observation!.text;
      expect(text).toMatch(/^URL: http:\/\/shop\.test\/\nTitle: Welcome to Acme Shop\n/);
      expect(text).toMatch(/\[\d+\] searchbox "Search products"/);
      const names = reset.observation!.candidates.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['click', 'fill', 'submit']));
      expect(reset.observation!.images).toEqual([]);
    });
  });

  it('adds a PNG screenshot when reset with {"screenshots": true}', async () => {
    await withEpisode(
      'browser/admin-edit-record',
      async (reset) => {
        const image = reset.observation!.images[0]!;
        expect(image.mimeType).toBe('image/png');
        expect(Buffer.from(image.data).subarray(1, 4).toString()).toBe('PNG');
      },
      { screenshots: true },
    );
  });

  it('keeps element ids while elements live, through DOM changes made by page scripts', async () => {
    await withEpisode('browser/booking-reserve', async (reset) => {
      const before = reset.observation!.text;
      const city = idOf(before, 'combobox', 'City');
      const open = await h.client.step(reset.session, [call('click', { id: idOf(before, 'button', 'Pick a date') })]);
      const after = open.observation!.text;
      expect(idOf(after, 'combobox', 'City')).toBe(city);
      expect(after).toContain('button "June 14, 2025"');
      const picked = await h.client.step(reset.session, [call('click', { id: idOf(after, 'button', 'June 14, 2025') })]);
      expect(picked.observation!.text).toMatch(/textbox "Check-in date" value="2025-06-14"/);
      expect(picked.observation!.text).not.toContain('June 14, 2025');
      const info = JSON.parse(picked.infoJson);
      expect(Object.keys(info.timings)).toEqual(expect.arrayContaining(['action_ms', 'navigation_ms', 'network_ms', 'dom_ms', 'observe_ms', 'total_ms']));
    });
  });
});

describe('bad input gives typed error observations and the episode goes on', () => {
  it('no_such_element, stale_element, navigation_blocked, not_interactable, invalid_arguments', async () => {
    await withEpisode('browser/shop-buy-cheapest', async (reset) => {
      const s = reset.session;
      const first = reset.observation!.text;
      const kinds: string[] = [];
      const tryCall = async (name: string, args: object | string) => {
        const reply = await h.client.step(s, [typeof args === 'string' ? { id: 'x', name, argumentsJson: args } : call(name, args)]);
        kinds.push(reply.results[0]!.error?.kind ?? 'ok');
        expect(reply.terminated || reply.truncated).toBe(false);
        return reply;
      };
      await tryCall('click', { id: 9999 });
      await tryCall('goto', { url: 'http://example.com/' });
      await tryCall('goto', { url: 'file:///etc/passwd' });
      await tryCall('fill', { id: idOf(first, 'link', 'Cart'), text: 'x' });
      await tryCall('select', { id: idOf(first, 'searchbox', 'Search products'), option: 'x' });
      await tryCall('fill', { id: idOf(first, 'searchbox', 'Search products'), text: 'x'.repeat(20_000) });
      await tryCall('click', '{"id": "seven"}');
      await tryCall('press', { key: 'F13' });
      const moved = await tryCall('click', { id: idOf(first, 'link', 'Cart') });
      expect(moved.observation!.text).toContain('URL: http://shop.test/cart');
      await tryCall('click', { id: idOf(first, 'link', 'Mugs') });
      expect(kinds).toEqual([
        'no_such_element',
        'navigation_blocked',
        'navigation_blocked',
        'not_interactable',
        'not_interactable',
        'invalid_arguments',
        'invalid_arguments',
        'invalid_arguments',
        'ok',
        'stale_element',
      ]);
      const error = await h.client.step(s, [call('click', { id: 9999 })]);
      expect(error.observation!.text).toMatch(/^Error \(no_such_element\): /);
    });
  });

  it('back on the first page answers no_history and leaves the page as it was', async () => {
    await withEpisode('browser/mail-find-answer', async (reset) => {
      const first = reset.observation!.text;
      for (let i = 0; i < 2; i++) {
        const back = await h.client.step(reset.session, [call('back', {})]);
        expect(back.results[0]!.error?.kind).toBe('no_history');
      }
      // The observation still shows the inbox, and its elements still work.
      const opened = await h.client.step(reset.session, [call('click', { id: idOf(first, 'link', 'Sent') })]);
      expect(opened.results[0]!.error).toBeNull();
      expect(opened.observation!.text).toContain('URL: http://mail.test/sent');
    });
  });

  it('select picks an option by label and answers a missing one with the options it has', async () => {
    await withEpisode('browser/admin-count-filter', async (reset) => {
      const plan = idOf(reset.observation!.text, 'combobox', 'Plan');
      const missing = await h.client.step(reset.session, [call('select', { id: plan, option: 'platinum' })]);
      expect(missing.results[0]!.error?.kind).toBe('no_such_element');
      expect(missing.results[0]!.error?.message).toContain('"enterprise"');
      const chosen = await h.client.step(reset.session, [call('select', { id: plan, option: 'pro' })]);
      expect(chosen.observation!.text).toMatch(new RegExp(`\\[${plan}\\] combobox "Plan" value="pro"`));
    });
  });
});
