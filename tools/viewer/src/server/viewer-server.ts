import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { answerApi, HttpError } from './api-routes.js';
import type { ApiAnswer } from './api-routes.js';
import { IMAGE_TYPES, SECURITY_HEADERS } from './headers.js';
import { RunSource } from './run-source.js';
import { openSources } from './sources.js';
import type { Source } from './sources.js';
import { serveStatic } from './static-files.js';

export interface ViewerOptions {
  /** Run folders, training folders, eval JSON files, transfer folders or files. */
  sources: string[];
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built app (default: this package's dist/app). */
  appDir?: string;
}

export interface Viewer {
  url: string;
  /** The opened sources (for a bundle, a test). */
  sources: readonly Source[];
  close(): Promise<void>;
}

/** The app's build, from src/server/ and from dist/server/ alike. */
export const DEFAULT_APP_DIR = fileURLToPath(new URL('../../dist/app/', import.meta.url));

/** Serves the sources read-only to the app: its files, and JSON under /api. */
export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const sources = await openSources(options.sources);
  const appDir = options.appDir ?? DEFAULT_APP_DIR;
  const server = createServer((req, res) => {
    const { address, port } = server.address() as AddressInfo;
    void handle(req, res, sources, appDir, loopbackHosts(address, port));
  });
  const closeSources = () => Promise.all(sources.map((s) => (s instanceof RunSource ? s.close() : undefined)));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await closeSources();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    sources,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeSources();
    },
  };
}

/**
 * The Host names a request to a loopback address may carry. A web page elsewhere can point a
 * name of its own at 127.0.0.1 (DNS rebinding) and read the API as same-origin; its requests
 * carry that name, so they are refused. Undefined (any Host) when serving on another address.
 */
function loopbackHosts(address: string, port: number): ReadonlySet<string> | undefined {
  if (!['127.0.0.1', '::1', 'localhost'].includes(address) && !address.startsWith('127.')) return undefined;
  return new Set([address.includes(':') ? `[${address}]` : address, '127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  sources: readonly Source[],
  appDir: string,
  hosts: ReadonlySet<string> | undefined,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const url = new URL(req.url ?? '/', 'http://viewer.invalid');
  const isApi = url.pathname.startsWith('/api/');
  if (isApi) res.setHeader('Cache-Control', 'no-store');
  try {
    if (hosts && !hosts.has(req.headers.host?.toLowerCase() ?? '')) throw new HttpError(403, 'the viewer answers only requests to its own address (Host)');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'the viewer only reads: GET');
    if (isApi) send(res, req, await answerApi(url.pathname.slice('/api/'.length), url.searchParams, sources));
    else await serveStatic(url.pathname, appDir, req, res);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (res.headersSent) return void res.destroy();
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ error: message.split('\n')[0] }));
  }
}

function send(res: ServerResponse, req: IncomingMessage, answer: ApiAnswer): void {
  if ('json' in answer) {
    res.setHeader('Content-Type', 'application/json');
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(answer.json));
    return;
  }
  const ext = answer.mime ? IMAGE_TYPES[answer.mime] : undefined;
  if (ext) res.setHeader('Content-Type', answer.mime!);
  else {
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename="${answer.sha}.bin"`);
  }
  res.end(req.method === 'HEAD' ? undefined : answer.blob);
}
