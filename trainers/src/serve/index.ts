// A saved policy behind an OpenAI-compatible chat-completions endpoint (`@workgym/trainers/serve`).
export { PolicyServer, type PolicyServerOptions } from './policy-server.js';
