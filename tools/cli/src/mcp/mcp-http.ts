import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { UsageError } from '../usage-error.js';
import type { EnvHost } from './env-host.js';
import { mcpSession, type SessionDefaults } from './mcp-session.js';

// Streamable HTTP at /mcp: each client that initializes gets its own MCP session (and episode),
// all on the one env server. Bound to loopback, requests must name a loopback Host, so that a web
// page cannot reach the server through a DNS name rebound to 127.0.0.1.

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** Larger than any tool call the env takes (1 MiB of arguments). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpMcpServer {
  url: string;
  /** Whether it listens on loopback only (and so checks the Host of each request). */
  loopback: boolean;
  close(): Promise<void>;
}

export async function serveHttp(host: EnvHost, defaults: SessionDefaults, port: number, bindHost: string): Promise<HttpMcpServer> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server }>();
  const checkHost = LOOPBACK_NAMES.includes(urlHost(bindHost));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (new URL(req.url ?? '/', 'http://host').pathname !== '/mcp') return refuse(res, 404, 'not found: the MCP endpoint is /mcp');
    if (checkHost && !LOOPBACK_NAMES.includes(hostName(req.headers.host)))
      return refuse(res, 403, `forbidden: Host ${req.headers.host ?? '(none)'} is not a loopback name`);
    const id = req.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const session = sessions.get(id);
      if (!session) return refuse(res, 404, 'no such MCP session (the server may have restarted): initialize a new one');
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return refuse(res, 400, 'no MCP session: POST an initialize request first');
    const body = await readJson(req);
    if (body instanceof Error) return refuse(res, 400, body.message);
    if (!isInitializeRequest(body)) return refuse(res, 400, 'no MCP session: POST an initialize request first');
    const server = mcpSession(host, defaults);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, { transport, server }),
    });
    transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId));
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`workgym mcp: ${req.method} ${req.url}: ${(error as Error).message}\n`);
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new UsageError(`cannot listen on ${bindHost} port ${port}: ${error.code}`) : error),
    );
    http.listen(port, bindHost, resolve);
  });
  const address = http.address() as AddressInfo;
  return {
    url: `http://${urlHost(bindHost)}:${address.port}/mcp`,
    loopback: checkHost,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map(({ server }) => server.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The name part of a Host header (`localhost:8000` -> `localhost`, `[::1]:8000` -> `[::1]`). */
function hostName(header: string | undefined): string {
  return (header ?? '').replace(/:\d+$/, '').toLowerCase();
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(new Error('the request body is not JSON'));
      }
    });
    req.on('error', (error) => resolve(error));
  });
}

/** A JSON-RPC error answer with no id, as the SDK's transport answers requests it refuses. */
function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
