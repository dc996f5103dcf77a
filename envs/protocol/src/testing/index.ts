import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export { CounterEnv } from './counter-env.js';

const here = fileURLToPath(import.meta.url);
/** The counter env's stdio server entry (TypeScript from source, JavaScript once built). */
export const counterServerEntry = fileURLToPath(new URL(`./counter-server${extname(here)}`, import.meta.url));
