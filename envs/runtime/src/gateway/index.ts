// @workgym/runtime/gateway: the env gateway and its client. A door of its own, so that what
// loads @workgym/runtime (env servers, `workgym --help`) never loads `ws`.
export {
  serveGateway,
  GatewayConfigError,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_SESSIONS_PER_CLIENT,
  type Gateway,
  type GatewayOptions,
} from './gateway-server.js';
export { connectGateway, GatewayConnectError, type GatewayClientOptions } from './gateway-client.js';
export type { GatewayEnv } from './catalogue.js';
export { MIN_TOKEN_LENGTH } from './token.js';
