import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled CLI's entry, from tools/scripts/vitest-global-setup.ts; '' when the sources did not bundle. */
    cliBundle: string;
  }
}

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const exec = promisify(execFile);

/** The node arguments that run the CLI from source through tsx, module by module, as `workgym ...` would from its build. */
export const CLI_ARGS = ['--conditions=source', '--import', 'tsx', main];

/**
 * The node arguments that run the CLI from source fastest: the bundle of the sources that the
 * integration run's global setup made (tools/scripts/cli-bundle.ts), else CLI_ARGS. It has no
 * TypeScript loader: a command that imports a .ts file at run time (`family new`, its template)
 * takes CLI_ARGS.
 */
export const FAST_CLI_ARGS = inject('cliBundle') ? [inject('cliBundle')] : CLI_ARGS;

/** Runs `workgym ...args` to the end; a non-zero exit is returned, not thrown. */
export async function workgym(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [...FAST_CLI_ARGS, ...args], { timeout: 300_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/**
 * How every command refuses a --family glob that matches no family (rollout, eval, train,
 * transfer, check): the glob, then the families there are, `listed` among them.
 */
export function noFamilyRefusal(glob: string, listed: string): RegExp {
  return new RegExp(`workgym: no task family matches --family ${escaped(JSON.stringify(glob))}; the families: .*${escaped(listed)}`);
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
