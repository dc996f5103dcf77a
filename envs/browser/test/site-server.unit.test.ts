import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SiteServer } from '../src/sites/site-server.js';
import type { SiteApp } from '../src/sites/site-app.js';

const hello: SiteApp = { host: 'hello.test', handle: () => ({ html: '<title>hi</title>hello' }) };

async function get(proxy: string, url: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (c) => (data += c.toString()));
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.split('\r\n\r\n')[1] ?? '' }));
    socket.on('error', reject);
  });
}

describe('SiteServer (an episode proxy)', () => {
  it("answers only its task's hosts", async () => {
    await using site = await SiteServer.start([hello]);
    expect(await get(site.proxy, 'http://hello.test/')).toMatchObject({ status: 200, body: expect.stringContaining('hello') });
    expect((await get(site.proxy, 'http://example.com/')).status).toBe(502);
  });

  it('survives connections reset mid-request and refused CONNECTs', async () => {
    await using site = await SiteServer.start([hello]);
    const { port } = new URL(site.proxy);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST http://hello.test/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial');
        socket.resetAndDestroy();
        resolve();
      });
    });
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('CONNECT hello.test:443 HTTP/1.1\r\nHost: hello.test:443\r\n\r\n'));
      socket.on('data', () => (socket.resetAndDestroy(), resolve()));
    });
    expect((await get(site.proxy, 'http://hello.test/')).status).toBe(200);
  });
});
