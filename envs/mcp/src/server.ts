import { serveStdio } from '@workgym/protocol';
import { taskSetPathsFromEnv } from '@workgym/protocol/kit';
import { filesystemEnv } from './filesystem.js';

await serveStdio(await filesystemEnv({ tasks: taskSetPathsFromEnv() }));
