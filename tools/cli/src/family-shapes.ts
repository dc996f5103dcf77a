import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './usage-error.js';

/**
 * The family templates ("shapes") of the repository checkout the CLI runs from: each
 * `envs/<env>/src/tasks/templates/<shape>.ts` is a working minimal family whose first line says
 * what tasks it fits. They are read from the files, so a shape an env adds is listed at once.
 */
export interface Shape {
  env: string;
  shape: string;
  /** The template's first line, without its `//`. */
  fits: string;
}

/** The checkout this CLI belongs to (`tools/cli/{src,dist}/` sits three folders below it), or undefined outside one. */
export function checkoutRoot(): string | undefined {
  const root = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
  return existsSync(join(root, 'nx.json')) && existsSync(join(root, 'envs')) ? root : undefined;
}

/** The checkout's root, or a UsageError saying the command needs one. */
export function requireCheckout(command: string): string {
  const root = checkoutRoot();
  if (!root)
    throw new UsageError(`${command} works in a workgym repository checkout (it writes into envs/ and docs/)`, 'clone the repository and run it there');
  return root;
}

export const templatesDir = (root: string, env: string): string => join(root, 'envs', env, 'src', 'tasks', 'templates');

/** Every shape of every env, by env and then shape name. */
export function listShapes(root: string): Shape[] {
  const shapes: Shape[] = [];
  for (const env of readdirSync(join(root, 'envs')).sort()) {
    const dir = templatesDir(root, env);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.ts') || file === 'index.ts' || file.endsWith('.test.ts')) continue;
      const first = readFileSync(join(dir, file), 'utf8').split('\n', 1)[0]!;
      shapes.push({ env, shape: file.slice(0, -3), fits: first.replace(/^\/\/\s*/, '').trim() });
    }
  }
  return shapes;
}

/** The shapes as `family new --help` shows them: one block per env, one line per shape. */
export function describeShapes(shapes: readonly Shape[]): string {
  if (shapes.length === 0) return '  (none: no env has envs/<env>/src/tasks/templates/*.ts)';
  const width = Math.max(...shapes.map((s) => s.shape.length));
  const envs = [...new Set(shapes.map((s) => s.env))];
  return envs.map((env) => [`  ${env}`, ...shapes.filter((s) => s.env === env).map((s) => `    ${s.shape.padEnd(width)}  ${s.fits}`)].join('\n')).join('\n');
}
