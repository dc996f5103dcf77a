import { serveStdio } from '@workgym/protocol';
import { taskSetPathsFromEnv } from '@workgym/protocol/kit';
import { CodeEnv } from './env.js';
import { FAMILIES } from './tasks/index.js';

await serveStdio(new CodeEnv(FAMILIES, { tasks: taskSetPathsFromEnv() }));
