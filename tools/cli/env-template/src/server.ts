// The env server on stdin/stdout (the workgym protocol): workgym bundles this file and runs it
// in the env's hardened container (--runtime docker) or as a local process (--runtime local).
import { serveStdio } from '@workgym/protocol';
import { NotesEnv } from './env.js';

await serveStdio(new NotesEnv());
