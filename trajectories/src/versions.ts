import { readFileSync } from 'node:fs';

/** This package's version, recorded in every run manifest. */
export const TRAJECTORIES_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
