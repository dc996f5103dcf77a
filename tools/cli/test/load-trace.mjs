// `node --import ./load-trace.mjs ...` records what the process loads (see load-trace-hooks.mjs).
import { register } from 'node:module';

register('./load-trace-hooks.mjs', import.meta.url);
