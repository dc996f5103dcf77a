import { serveStdio } from '@workgym/protocol';
import { BrowserEnv } from './env.js';

await serveStdio(new BrowserEnv());
