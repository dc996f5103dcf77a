import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PolicyRequestError } from '../errors.js';
import type { LinearPolicy } from '../learner/linear-policy.js';
import { parseCompletionRequest } from './chat-request.js';
import { completionBody, completionChunks } from './completion-body.js';
import { policyAnswer } from './policy-answer.js';

export interface PolicyServerOptions {
  policy: LinearPolicy;
  /** Port to listen on (0: any free port). */
  port?: number;
  host?: string;
  /** The model name the server reports and accepts (any name is accepted). */
  model?: string;
  log?: (line: string) => void;
}

const MAX_BODY = 32 * 1024 * 1024;

/**
 * The embedded policy behind an OpenAI-compatible endpoint (node:http): POST /v1/chat/completions
 * answers each of the request's n choices with one tool call, the candidate the policy picks
 * (sampled at the request's temperature, default 1, within its top_p; greedy at 0; seeded by the
 * request's `seed` and messages, so a repeated request gets the same answer), as one JSON body or,
 * with `stream: true`, as server-sent `chat.completion.chunk` events ending with `data: [DONE]`.
 * Every parameter of the API is either acted on or refused with a 400 naming it
 * (chat-request.ts). GET /v1/models lists the one model. Usage counts are whitespace-separated
 * words, not model tokens. `setPolicy` swaps the weights in place (the RL loop's update) without
 * changing the endpoint.
 */
export class PolicyServer implements AsyncDisposable {
  private requestCount = 0;

  private constructor(
    private readonly server: Server,
    private policy: LinearPolicy,
    readonly model: string,
    readonly baseURL: string,
  ) {}

  static async start(options: PolicyServerOptions): Promise<PolicyServer> {
    const model = options.model ?? 'workgym-linear';
    const ref: { instance?: PolicyServer } = {};
    const server = createServer((req, res) => {
      ref.instance!.handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: (error as Error).message, type: 'server_error' } }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const instance = new PolicyServer(server, options.policy, model, `http://${host}:${address.port}/v1`);
    ref.instance = instance;
    options.log?.(`serving ${model} at ${instance.baseURL}`);
    return instance;
  }

  get requests(): number {
    return this.requestCount;
  }

  setPolicy(policy: LinearPolicy): void {
    this.policy = policy;
  }

  get current(): LinearPolicy {
    return this.policy;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      send(res, 200, { object: 'list', data: [{ id: this.model, object: 'model', created: 0, owned_by: 'workgym' }] });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      send(res, 404, { error: { message: `no route ${req.method} ${path}; use POST /v1/chat/completions`, type: 'invalid_request_error' } });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await readBody(req));
    } catch (error) {
      send(res, 400, { error: { message: `the body is not JSON: ${(error as Error).message}`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    this.requestCount += 1;
    const n = this.requestCount;
    try {
      const request = parseCompletionRequest(raw);
      const answer = policyAnswer(this.policy, request);
      const meta = { id: `chatcmpl-workgym-${n}`, created: Math.floor(Date.now() / 1000), model: request.model ?? this.model, callPrefix: `call_${n}` };
      if (request.stream) stream(res, completionChunks(meta, answer, request));
      else send(res, 200, completionBody(meta, answer, request));
    } catch (error) {
      if (!(error instanceof PolicyRequestError)) throw error;
      send(res, 400, { error: { message: error.message, type: 'invalid_request_error', param: error.param, code: error.code } });
    }
  }
}

/** Server-sent events, as the API streams: one `data:` line per chunk, then `data: [DONE]`. */
function stream(res: ServerResponse, chunks: readonly object[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end('data: [DONE]\n\n');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
