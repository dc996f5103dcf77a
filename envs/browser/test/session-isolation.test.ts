// Episodes that share one Chromium (and one container) must not see each other. Each probe runs
// as the page of an episode (fixtures/isolation-probe: every episode serves the same origin,
// http://site.test, the case where a shared jar or partition would show) or as the agent's own
// tools. Every "cannot see" is paired with the same probe seeing the value inside its own
// episode, so a probe that could not see anything fails the test.
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import { DockerRuntime, manifestServerSpec, type EnvInstance } from '@workgym/runtime';
import { BrowserEnv, manifest } from '../src/index.js';
import type { SiteApp, SiteRequest, SiteResponse } from '../src/sites/site-app.js';
import { SiteServer } from '../src/sites/site-server.js';
import { call, idOf } from './helpers.js';

const PROBE_TASKS = fileURLToPath(new URL('./fixtures/isolation-probe', import.meta.url));
const PROBE = 'browser/isolation-probe.probe';

const runtime = new DockerRuntime({ runId: `test-browser-isolation-${process.pid}` });
let instance: EnvInstance;

beforeAll(async () => {
  const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-test') });
  instance = await runtime.start({ ...spec, tasks: [PROBE_TASKS] });
}, 600_000);

afterAll(async () => {
  await instance?.close();
});

/** The probe page's text once its scripts finished (each scroll observes the page again). */
async function probe(client: EnvClient, session: string, url: string): Promise<string> {
  let text = (await client.step(session, [call('goto', { url })])).observation!.text!;
  for (let i = 0; i < 50 && !text.includes('status: done'); i++)
    text = (await client.step(session, [call('scroll', { direction: 'down' })])).observation!.text!;
  expect(text).toContain('status: done');
  return text;
}

const line = (text: string, label: string) => text.split('\n').find((l) => l.includes(`${label}:`)) ?? '';

describe('episodes sharing one Chromium container', () => {
  it('do not share cookies, storage, IndexedDB, broadcast channels, shared workers or window names, even on the same origin', async () => {
    const client = instance.client;
    const [a, b] = await Promise.all([client.reset({ family: PROBE, seed: 1 }), client.reset({ family: PROBE, seed: 2 })]);

    const first = await probe(client, b.session, 'http://site.test/probe.html?t=bbb&other=aaa');
    expect(line(first, 'before')).toContain('cookie=- local=- session=- idb=-');
    // Inside B, a second document hears B's channel (before and after the window.open probe) and joins B's worker.
    expect(line(first, 'heard')).toContain('msg-bbb after-bbb');
    expect(line(first, 'worker')).toMatch(/ear-bbb/);
    // A window name finds B's own frame (its title is "Ear").
    expect(line(first, 'open')).toContain('own=Ear');

    // B's page stays open, its worker alive and its channel listening, while A probes the same origin.
    const other = await probe(client, a.session, 'http://site.test/probe.html?t=aaa&other=bbb');
    expect(line(other, 'before')).toContain('cookie=- local=- session=- idb=-');
    expect(line(other, 'heard')).toContain('msg-aaa');
    expect(line(other, 'heard')).not.toContain('bbb');
    expect(line(other, 'worker')).toContain('ear-aaa');
    expect(line(other, 'worker')).not.toContain('bbb');
    // B's frame, open under the name "ear-bbb", is not what that name finds from A.
    expect(line(other, 'open')).toMatch(/own=Ear other=(none|blank)"/);

    const bAgain = (await client.step(b.session, [call('scroll', { direction: 'up' })])).observation!.text!;
    expect(line(bAgain, 'heard')).not.toContain('aaa');

    // The same probe, a second time in each episode, sees what that episode wrote: the reads work.
    expect(line(await probe(client, b.session, 'http://site.test/probe.html?t=bbb2'), 'before')).toContain('cookie=bbb local=bbb session=bbb idb=bbb');
    expect(line(await probe(client, a.session, 'http://site.test/probe.html?t=aaa2'), 'before')).toContain('cookie=aaa local=aaa session=aaa idb=aaa');
    await Promise.all([client.closeSession(a.session), client.closeSession(b.session)]);
  }, 180_000);

  it("keep each episode's site state and pages its own, with other families open at once", async () => {
    const client = instance.client;
    const [a, b, shop] = await Promise.all([
      client.reset({ family: 'browser/mail-find-answer', seed: 3 }),
      client.reset({ family: 'browser/mail-find-answer', seed: 3 }),
      client.reset({ family: 'browser/shop-buy-cheapest', seed: 1 }),
    ]);
    expect(a.observation?.text).toBe(b.observation?.text);
    const send = async (session: string, subject: string) => {
      const compose = (await client.step(session, [call('goto', { url: 'http://mail.test/compose' })])).observation!.text!;
      await client.step(session, [call('fill', { id: idOf(compose, 'textbox', 'To'), text: 'x@company.example' })]);
      await client.step(session, [call('fill', { id: idOf(compose, 'textbox', 'Subject'), text: subject })]);
      return (await client.step(session, [call('click', { id: idOf(compose, 'button', 'Send') })])).observation!.text!;
    };
    const sent = (session: string) => client.step(session, [call('goto', { url: 'http://mail.test/sent' })]).then((r) => r.observation!.text!);

    expect(await send(a.session, 'from-a')).toContain('1 messages');
    expect(await sent(b.session)).toContain('0 messages');
    expect(await send(b.session, 'from-b')).toContain('1 messages');
    const aSent = await sent(a.session);
    expect(aSent).toContain('from-a');
    expect(aSent).not.toContain('from-b');

    // The agent's only way to another page is goto, and it reaches only its own task's sites.
    const blocked = await client.step(shop.session, [call('goto', { url: 'http://mail.test/sent' })]);
    expect(blocked.results[0]!.error?.kind).toBe('navigation_blocked');
    expect(blocked.observation!.text).not.toContain('from-a');
    await Promise.all([a, b, shop].map((s) => client.closeSession(s.session)));
  }, 180_000);
});

function proxiedGet(port: string, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: url }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe("a page's requests to another episode's site backend", () => {
  it("get nothing from another episode's site backend, though it answers on its port, and never reach its site", async () => {
    const env = new BrowserEnv({ tasks: [PROBE_TASKS] });
    // The backends' ports are private to the env server; only an in-process test can hand one to a page.
    const started = vi.spyOn(SiteServer, 'start');
    const signal = new AbortController().signal;
    try {
      const a = await env.reset({ family: PROBE, seed: 1, split: 'train', options: {} }, signal);
      const b = await env.reset({ family: PROBE, seed: 2, split: 'train', options: {} }, signal);
      const port = new URL(((await started.mock.results[1]!.value) as SiteServer).proxy).port;
      const bSite = vi.spyOn(started.mock.calls[1]![0][0]!, 'handle');
      // Asked as a proxy is asked, B's backend serves B's site on that port.
      expect(await proxiedGet(port, 'http://site.test/index.html')).toContain('Probe home');
      expect(bSite).toHaveBeenCalledTimes(1);

      let text = (await a.step({ id: 'g', name: 'goto', arguments: { url: `http://site.test/probe.html?t=aaa&port=${port}` } }, signal)).observation.text!;
      for (let i = 0; i < 50 && !text.includes('status: done'); i++)
        text = (await a.step({ id: 's', name: 'scroll', arguments: { direction: 'down' } }, signal)).observation.text!;
      // The page reads its own site; B's port gives it nothing, and B's site never hears of it.
      expect(line(text, 'fetch')).toMatch(/fetch: 200 <!doctype html><title>Probe home.* \| failed TypeError \| failed TypeError/);
      expect(bSite).toHaveBeenCalledTimes(1);
      await Promise.all([a.close(), b.close()]);
    } finally {
      started.mockRestore();
      await env.close();
    }
  }, 120_000);
});

/** A site with a login session: /login sets an HttpOnly cookie, /whoami shows the Cookie header the site received. */
class SessionSite implements SiteApp {
  readonly host = 'login.test';
  handle(req: SiteRequest): SiteResponse {
    if (req.path === '/login') return { html: `<title>Login</title><p>logged in</p>`, setCookie: `sid=${req.query.get('user')}; HttpOnly; Path=/` };
    return { html: `<title>Who</title><p>cookie header: ${req.cookie || 'none'}</p>` };
  }
}

describe('HttpOnly cookies a site sets', () => {
  it("reach that episode's site and no other episode's", async () => {
    const env = new BrowserEnv({ tasks: [PROBE_TASKS] });
    const signal = new AbortController().signal;
    // Every episode's backends get the login site beside the probe site.
    const start = SiteServer.start.bind(SiteServer);
    const started = vi.spyOn(SiteServer, 'start').mockImplementation((apps) => start([...apps, new SessionSite()]));
    try {
      const a = await env.reset({ family: PROBE, seed: 1, split: 'train', options: {} }, signal);
      const b = await env.reset({ family: PROBE, seed: 2, split: 'train', options: {} }, signal);
      const open = async (session: typeof a, url: string) => (await session.step({ id: 'g', name: 'goto', arguments: { url } }, signal)).observation.text!;
      await open(a, 'http://login.test/login?user=alice');
      expect(await open(a, 'http://login.test/whoami')).toContain('cookie header: sid=alice');
      expect(await open(b, 'http://login.test/whoami')).toContain('cookie header: none');
      await open(b, 'http://login.test/login?user=bob');
      expect(await open(b, 'http://login.test/whoami')).toContain('cookie header: sid=bob"');
      expect(await open(a, 'http://login.test/whoami')).toContain('cookie header: sid=alice"');
      await Promise.all([a.close(), b.close()]);
    } finally {
      started.mockRestore();
      await env.close();
    }
  }, 120_000);
});
