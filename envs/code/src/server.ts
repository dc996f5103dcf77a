import { serveStdio } from '@workgym/protocol';
import { CodeEnv } from './env.js';

await serveStdio(new CodeEnv());
