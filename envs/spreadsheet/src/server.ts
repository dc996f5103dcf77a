import { serveStdio } from '@workgym/protocol';
import { taskSetPathsFromEnv } from '@workgym/protocol/kit';
import { SpreadsheetEnv } from './env.js';
import { FAMILIES } from './tasks/index.js';

await serveStdio(new SpreadsheetEnv(FAMILIES, { tasks: taskSetPathsFromEnv() }));
