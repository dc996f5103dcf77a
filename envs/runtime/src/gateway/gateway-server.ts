import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES, WorkgymError, wire, type Response } from '@workgym/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EnvPool } from '../pool/env-pool.js';
import { describePool, gatewayHello, gatewayTasks, type GatewayEnv } from './catalogue.js';
import { ClientSessions, type GatewayLimits, type GatewayShared } from './client-sessions.js';
import { bearerMatches, MIN_TOKEN_LENGTH } from './token.js';

// The env gateway: env sessions from local warm pools, over WebSocket, for a trainer on another
// machine. Each binary message is one workgym.proto Request or Response (no length prefix: the
// WebSocket frames them). The upgrade must carry the bearer token; a client is one connection.

export interface GatewayOptions {
  /** The envs served, by name: a reset's family `<env>/<family>` leases a session of its env's pool. */
  pools: ReadonlyMap<string, EnvPool>;
  /** The bearer token every client must send (at least MIN_TOKEN_LENGTH characters). */
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 300 s. */
  idleTimeoutMs?: number;
  /** Default 8. */
  maxSessionsPerClient?: number;
  /** The largest message either way (default 64 MiB, as stdio servers); a larger one closes the connection (1009). */
  maxFrameBytes?: number;
  log?: (line: string) => void;
}

export interface Gateway extends AsyncDisposable {
  /** ws://HOST:PORT/ */
  readonly url: string;
  readonly port: number;
  readonly envs: readonly GatewayEnv[];
  /** Clients connected now. */
  readonly clients: number;
  /** Closes every connection and every session (the pools stay open: they are the caller's). */
  close(): Promise<void>;
}

export class GatewayConfigError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_GATEWAY_CONFIG', message);
  }
}

export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_SESSIONS_PER_CLIENT = 8;

export async function serveGateway(options: GatewayOptions): Promise<Gateway> {
  if (options.token.length < MIN_TOKEN_LENGTH) throw new GatewayConfigError(`the gateway token must be at least ${MIN_TOKEN_LENGTH} characters`);
  if (options.pools.size === 0) throw new GatewayConfigError('a gateway needs at least one env to serve');
  const log = options.log ?? (() => undefined);
  const limits: GatewayLimits = {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxSessionsPerClient: options.maxSessionsPerClient ?? DEFAULT_MAX_SESSIONS_PER_CLIENT,
  };
  const envs = await Promise.all([...options.pools].map(([name, pool]) => describePool(name, pool)));
  const shared: GatewayShared = {
    envs: new Map(envs.map((env) => [env.name, env])),
    hello: gatewayHello(envs, limits.maxSessionsPerClient),
    tasks: gatewayTasks(envs),
    limits,
    log,
  };
  const clients = new Set<ClientSessions>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, perMessageDeflate: false });
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('a workgym env gateway: connect with a WebSocket and a bearer token\n');
  });
  let serial = 0;
  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    socket.on('error', () => undefined);
    if (!bearerMatches(req.headers.authorization, options.token)) {
      log(`refused a connection from ${peer(req)}: ${req.headers.authorization ? 'wrong token' : 'no bearer token'}`);
      socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, `client ${++serial} (${peer(req)})`));
  });
  const accept = (ws: WebSocket, name: string) => {
    const client = new ClientSessions(shared, (response) => send(ws, response), name);
    clients.add(client);
    log(`${name} connected`);
    ws.on('message', (data: RawData, binary: boolean) => client.receive(bytesOf(data), binary));
    ws.on('error', () => undefined); // 'close' follows
    ws.once('close', (code) => {
      clients.delete(client);
      log(`${name} left (close code ${code}); closing its ${client.open} session(s)`);
      void client.closeAll();
    });
  };
  const sweep = setInterval(
    () => {
      for (const client of clients) client.closeIdle(Date.now());
    },
    Math.min(5_000, Math.max(100, limits.idleTimeoutMs / 4)),
  );
  sweep.unref();
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(sweep);
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? new GatewayConfigError(`cannot listen on ${options.host ?? '127.0.0.1'} port ${options.port ?? 0}: ${error.code}`)
          : error,
      );
    });
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(sweep);
      for (const ws of wss.clients) ws.close(1001, 'the gateway is shutting down');
      await Promise.allSettled([...clients].map((client) => client.closeAll()));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    })());
  return {
    url: `ws://${urlHost(options.host ?? '127.0.0.1')}:${port}/`,
    port,
    envs,
    get clients() {
      return clients.size;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function send(ws: WebSocket, response: Response): void {
  if (ws.readyState === ws.OPEN) ws.send(wire.Response.encode(response).finish(), { binary: true });
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function peer(req: IncomingMessage): string {
  return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
