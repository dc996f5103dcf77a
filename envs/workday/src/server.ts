import { serveStdio } from '@workgym/protocol';
import { WorkdayEnv } from './env.js';

await serveStdio(new WorkdayEnv());
