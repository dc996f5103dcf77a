import { PassThrough, Writable } from 'node:stream';
import { DEFAULT_MAX_FRAME_BYTES, EnvClient, encodeFrame, FrameDecoder, WorkgymError, type EnvClientOptions } from '@workgym/protocol';
import { WebSocket } from 'ws';

// EnvClient over a WebSocket to a gateway: the client's frames are unwrapped from their length
// prefix and sent as one binary message each; each message received is framed again for it.

export interface GatewayClientOptions extends EnvClientOptions {
  /** The gateway's bearer token. */
  token: string;
  /** How long connecting may take (default 30 s). */
  connectTimeoutMs?: number;
}

/** The gateway refused the connection (a wrong or missing token: HTTP 401), or could not be reached. */
export class GatewayConnectError extends WorkgymError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(status === 401 ? 'WORKGYM_GATEWAY_UNAUTHORIZED' : 'WORKGYM_GATEWAY_CONNECT', message);
  }
}

/** Connects to a gateway (`ws://` or `wss://`): the client has the API of one for a local server. */
export async function connectGateway(url: string, options: GatewayClientOptions): Promise<EnvClient> {
  const { token, connectTimeoutMs, ...clientOptions } = options;
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const socket = new WebSocket(url, {
    headers: { authorization: `Bearer ${token}` },
    maxPayload: maxFrameBytes,
    perMessageDeflate: false,
    handshakeTimeout: connectTimeoutMs ?? 30_000,
  });
  await opened(socket, url);
  const input = new PassThrough();
  let closed = '';
  socket.on('message', (data: Buffer, binary: boolean) => {
    // A text message is no Response: framed as it is, the client reports the violation.
    input.write(encodeFrame(binary ? data : Buffer.from(String(data))));
  });
  socket.on('error', () => undefined); // 'close' follows
  socket.once('close', (code, reason) => {
    closed = `the gateway connection closed (WebSocket code ${code}${reason.length ? `: ${reason.toString()}` : ''})`;
    input.end();
  });
  const decoder = new FrameDecoder(maxFrameBytes);
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const event of decoder.push(chunk)) {
        if (event.kind === 'frame' && socket.readyState === WebSocket.OPEN) socket.send(event.bytes, { binary: true });
      }
      done();
    },
    final(done) {
      socket.close(1000);
      done();
    },
  });
  return new EnvClient({ input, output, describeExit: async () => ({ stderrTail: closed }) }, { name: url, ...clientOptions });
}

function opened(socket: WebSocket, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      socket.terminate();
      const why = status === 401 ? 'refused the token (401 Unauthorized)' : `answered HTTP ${status} instead of a WebSocket`;
      reject(new GatewayConnectError(`the gateway at ${url} ${why}`, status));
    });
    socket.on('error', (error) => reject(new GatewayConnectError(`cannot connect to the gateway at ${url}: ${error.message}`)));
  });
}
