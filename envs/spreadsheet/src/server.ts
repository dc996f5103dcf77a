import { serveStdio } from '@workgym/protocol';
import { SpreadsheetEnv } from './env.js';

await serveStdio(new SpreadsheetEnv());
