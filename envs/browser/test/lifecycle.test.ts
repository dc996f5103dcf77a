import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { call, connectBrowserEnv, processesWith } from './helpers.js';

/** Listening servers of this process: each open episode's site server is one. */
const listening = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;

describe('Chromium lifecycle', () => {
  const h = connectBrowserEnv();
  let profile = '';

  afterAll(async () => {
    await h.close();
  });

  it('replaces a Chromium killed with SIGKILL mid-episode: the broken episode reports it, the next reset works', async () => {
    const first = await h.client.reset({ family: 'browser/admin-edit-record', seed: 1 });
    profile = h.env.host.profileDir!;
    const pid = h.env.host.pid!;
    expect(processesWith(profile).length).toBeGreaterThan(1);
    process.kill(pid, 'SIGKILL');
    const broken = await h.client.step(first.session, [call('scroll', { direction: 'down' })]);
    expect(broken.results[0]!.error?.kind).toBe('browser_crashed');
    await h.client.closeSession(first.session);

    const next = await h.client.reset({ family: 'browser/admin-edit-record', seed: 1 });
    expect(next.observation!.text).toBe(first.observation!.text);
    expect(h.env.host.launches).toBe(2);
    expect(h.env.host.pid).not.toBe(pid);
    const moved = await h.client.step(next.session, [call('goto', { url: 'http://admin.test/users?page=2' })]);
    expect(moved.observation!.text).toContain('Page 2 of');
    await h.client.closeSession(next.session);
  });

  it('leaves no Chromium process behind once the server closes', async () => {
    expect(processesWith(profile).length).toBeGreaterThan(0);
    await h.close();
    expect(processesWith(profile)).toEqual([]);
  });
});

describe('closing the env', () => {
  it('closes the episodes it opened (their site servers and pages), then Chromium', { timeout: 120_000 }, async () => {
    const env = new BrowserEnv();
    onTestFinished(() => env.close());
    const signal = new AbortController().signal;
    const before = listening();
    for (const seed of [1, 2]) await env.reset({ family: 'browser/admin-edit-record', seed, split: 'train', options: {} }, signal);
    expect(listening()).toBe(before + 2);
    const profile = env.host.profileDir!;
    await env.close();
    expect(listening()).toBe(before);
    expect(processesWith(profile)).toEqual([]);
  });
});
