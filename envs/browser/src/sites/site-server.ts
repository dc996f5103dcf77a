import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SiteApp, SiteRequest, SiteResponse } from './site-app.js';

const MAX_BODY = 1 << 20;

/**
 * One episode's sites, served on loopback as an HTTP proxy: the episode's BrowserContext uses it
 * as its proxy, so pages have stable URLs (http://shop.test/...) and every episode reaches only
 * its own backends, however many run in the same Chromium.
 */
export class SiteServer implements AsyncDisposable {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly apps: Map<string, SiteApp>;

  private constructor(apps: readonly SiteApp[]) {
    this.apps = new Map(apps.map((a) => [a.host, a]));
    this.server = createServer((req, res) => void this.serve(req, res));
    // HTTPS attempts (CONNECT) are refused at once, so an upgrade attempt falls back to http fast.
    this.server.on('connect', (_req, socket: Socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    // Chromium resets proxy connections when a context closes; a reset socket must never take
    // the env server down (an unhandled socket 'error' would).
    this.server.on('clientError', (_error, socket) => socket.destroy());
    this.server.on('connection', (socket: Socket) => {
      socket.on('error', () => undefined);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(apps: readonly SiteApp[]): Promise<SiteServer> {
    const site = new SiteServer(apps);
    await new Promise<void>((resolve, reject) => {
      site.server.once('error', reject);
      site.server.listen(0, '127.0.0.1', () => resolve());
    });
    return site;
  }

  /** "127.0.0.1:port", for BrowserContext's proxyServer. */
  get proxy(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  hosts(): string[] {
    return [...this.apps.keys()];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // A proxy request carries the absolute URL; a direct one (tests, curl) the Host header.
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'invalid'}`);
      const app = this.apps.get(url.hostname);
      if (!app || url.protocol !== 'http:') {
        send(res, { status: 502, body: `no site ${url.host} in this task`, contentType: 'text/plain' });
        return;
      }
      const body = req.method === 'POST' ? await readBody(req) : '';
      const request: SiteRequest = {
        method: req.method ?? 'GET',
        path: decodeURI(url.pathname),
        query: url.searchParams,
        form: new URLSearchParams(body),
        cookie: req.headers.cookie ?? '',
      };
      send(res, await app.handle(request));
    } catch (error) {
      send(res, { status: 500, body: `site error: ${(error as Error).message}`, contentType: 'text/plain' });
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: SiteResponse): void {
  // Pages are dynamic state: never let Chromium serve a stale copy after a POST.
  res.setHeader('Cache-Control', 'no-store');
  if ('redirect' in response) {
    res.writeHead(303, { Location: response.redirect }).end();
  } else if ('html' in response) {
    if (response.setCookie) res.setHeader('Set-Cookie', response.setCookie);
    res.writeHead(response.status ?? 200, { 'Content-Type': 'text/html; charset=utf-8' }).end(response.html);
  } else {
    res.writeHead(response.status ?? 200, { 'Content-Type': response.contentType }).end(response.body);
  }
}
