// The code env's family templates: each passes the conformance suite in process (local
// sandbox), follows the contract `workgym family new --like <shape>` relies on, and still
// type-checks once copied into src/tasks/ with that command's rewrite rules.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { assertEnvConforms } from '@workgym/protocol';
import { CodeEnv } from '../src/index.js';
import { TEMPLATES } from '../src/tasks/templates/index.js';
import { servedInProcess } from './helpers.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const TASKS = join(PACKAGE, 'src/tasks');
const TEMPLATE_DIR = join(TASKS, 'templates');
const shapes = readdirSync(TEMPLATE_DIR)
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
  .map((file) => file.slice(0, -'.ts'.length));

const env = new CodeEnv(TEMPLATES);
const client = servedInProcess(env);

/** What `workgym family new code/<name> --like <shape>` writes to src/tasks/<name>.ts. */
function copied(source: string, shape: string, name: string): string {
  const exported = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return source.replaceAll('templateFamily', exported).replaceAll(`'template-${shape}'`, `'${name}'`).replaceAll("from '../", "from './");
}

describe('code family templates', () => {
  it('lists one template per file of src/tasks/templates, in no catalogue', () => {
    expect(TEMPLATES.map((t) => t.name).sort()).toEqual(shapes.map((shape) => `template-${shape}`).sort());
    expect(new CodeEnv().families().some((f) => f.id!.startsWith('code/template-'))).toBe(false);
  });

  it('pass the conformance suite (seeds 1 and 2), guessing floor included', { timeout: 900_000 }, async () => {
    const report = await assertEnvConforms(client, { seeds: [1, 2], relaxationSeeds: [1], guessSeeds: [1] });
    expect(report.results.filter((r) => r.check === 'guessing floor' && !r.skipped)).toHaveLength(TEMPLATES.length);
    const checks = report.results.map((r) => r.check);
    // Seeds 1 and 2 play the two default strategies; every other strategy is played once more.
    expect(checks.filter((c) => c === 'expert solves the task')).toHaveLength(2 * TEMPLATES.length);
    expect(checks.filter((c) => c.startsWith('expert strategy ')).length).toBeGreaterThanOrEqual(TEMPLATES.length);
    expect(checks.filter((c) => c.startsWith('near-miss ')).length).toBeGreaterThanOrEqual(TEMPLATES.length);
  });

  it.each(shapes)('%s follows the template contract', (shape) => {
    const source = readFileSync(join(TEMPLATE_DIR, `${shape}.ts`), 'utf8');
    const lines = source.split('\n');
    expect(lines[0]).toMatch(/^\/\/ \S.{10,}$/);
    expect(source.match(/^export /gm)).toEqual(['export ']);
    expect(source).toMatch(/^export const templateFamily: FamilyDef = \{\n {2}name: 'template-[a-z-]+',$/m);
    expect(source.split(`'template-${shape}'`)).toHaveLength(2);
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    expect(imports.filter((path) => path.startsWith('.') && !path.startsWith('../'))).toEqual([]);
    const family = TEMPLATES.find((t) => t.name === `template-${shape}`)!;
    expect(family.strategies.length).toBeGreaterThanOrEqual(2);
    expect(family.nearMisses.length).toBeGreaterThanOrEqual(1);
    expect(family.components?.length).toBeGreaterThanOrEqual(1);
    // The guard on everything else is the kit's no_collateral, which a new family inherits.
    expect(family.collateral).toBe(true);
    expect(family.guesses?.length).toBeGreaterThanOrEqual(1);
  });

  it('type-checks a template copied into src/tasks/ by the rewrite rules of `family new`', () => {
    const target = join(TASKS, 'parse-duration.ts');
    const text = copied(readFileSync(join(TEMPLATE_DIR, 'implement-function.ts'), 'utf8'), 'implement-function', 'parse-duration');
    expect(text).toContain("export const parseDuration: FamilyDef = {\n  name: 'parse-duration',");
    const config = ts.getParsedCommandLineOfConfigFile(join(PACKAGE, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, ...rest) => (file === target ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, ...rest));
    host.fileExists = (file) => file === target || ts.sys.fileExists(file);
    host.readFile = (file) => (file === target ? text : ts.sys.readFile(file));
    const program = ts.createProgram({ rootNames: [target], options: { ...config.options, noEmit: true }, host });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
  });
});
