import { serveStdio } from '@workgym/protocol';
import { taskSetPathsFromEnv } from '@workgym/protocol/kit';
import { BrowserEnv } from './env.js';

await serveStdio(new BrowserEnv({ tasks: taskSetPathsFromEnv() }));
