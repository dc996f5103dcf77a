import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { printPlan } from '../dry-run.js';
import { listShapes, requireCheckout, templatesDir } from '../family-shapes.js';
import { UsageError } from '../usage-error.js';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** What the doc row takes from the template's family definition. */
export interface TemplateFacts {
  job?: string;
  difficulty: string;
  description: string;
  strategies: readonly string[];
  nearMisses: readonly string[];
}

/** `workgym family new <env>/<name> --like <shape>`: the family file, its registration and its doc row, or one line and nothing written. */
export async function familyNew(target: string, options: { like: string; dryRun?: boolean }): Promise<void> {
  const root = requireCheckout('workgym family new');
  const { env, name } = parseTarget(target);
  const shapes = listShapes(root);
  const envShapes = shapes.filter((s) => s.env === env);
  if (envShapes.length === 0) {
    const envs = [...new Set(shapes.map((s) => s.env))].join(', ') || '(none)';
    throw new UsageError(`unknown env ${JSON.stringify(env)}, or one without family shapes; envs with shapes: ${envs}`);
  }
  if (!envShapes.some((s) => s.shape === options.like)) {
    throw new UsageError(`${env} has no shape ${JSON.stringify(options.like)}; its shapes: ${envShapes.map((s) => s.shape).join(', ')}`);
  }
  const paths = {
    family: `envs/${env}/src/tasks/${name}.ts`,
    index: `envs/${env}/src/tasks/index.ts`,
    doc: `docs/envs/${env}.md`,
  };
  const identifier = camelCase(name);
  const index = read(root, paths.index);
  const doc = read(root, paths.doc);
  const taken = existsSync(join(root, `envs/${env}/src/tasks/${name}`))
    ? `envs/${env}/src/tasks/${name}`
    : existsSync(join(root, paths.family))
      ? paths.family
      : new RegExp(`\\b${identifier}\\b`).test(index)
        ? `${identifier} in ${paths.index}`
        : doc.includes(`\`${env}/${name}\``)
          ? `its row in ${paths.doc}`
          : undefined;
  if (taken) throw new UsageError(`${env}/${name} exists already (${taken}); pick another name`);

  const templatePath = join(templatesDir(root, env), `${options.like}.ts`);
  const family = renderFamily(readFileSync(templatePath, 'utf8'), { env, name, shape: options.like, identifier });
  const facts = await templateFacts(root, env, options.like);
  const files = {
    [paths.family]: family,
    [paths.index]: registerFamily(index, identifier, name, paths.index),
    [paths.doc]: addDocRow(doc, docRow(env, name, options.like, facts), paths.doc),
  };
  if (options.dryRun) {
    printPlan(`family new ${env}/${name}`, {
      'would write': `${paths.family} (the ${options.like} shape, as ${identifier})`,
      'would register it in': `${paths.index} (FAMILIES)`,
      'would add its row to': paths.doc,
    });
    return;
  }
  // Everything is computed before anything is written: a refusal above leaves the checkout as it was.
  writeFileSync(join(root, paths.family), files[paths.family]!, { flag: 'wx' });
  writeFileSync(join(root, paths.index), files[paths.index]!);
  writeFileSync(join(root, paths.doc), files[paths.doc]!);
  const formatted = prettify(root, [paths.family, paths.index]);
  printNextSteps({ env, name, shape: options.like, identifier, paths, formatted });
}

export function parseTarget(target: string): { env: string; name: string } {
  const match = /^([^/]+)\/([^/]+)$/.exec(target);
  if (!match) throw new UsageError(`name the family as <env>/<name> (e.g. code/parse-duration), not ${JSON.stringify(target)}`);
  const [, env, name] = match as unknown as [string, string, string];
  if (!KEBAB.test(name)) {
    throw new UsageError(
      `a family name is kebab-case (lower-case letters and digits joined by single hyphens, starting with a letter), not ${JSON.stringify(name)}`,
    );
  }
  return { env, name };
}

/** `parse-duration` -> `parseDuration`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The template as the new family's file, by the templates' contract: `templateFamily` becomes the
 * family's identifier, `'template-<shape>'` its name, and imports from `'../` come from `'./`.
 */
export function renderFamily(template: string, target: { env: string; name: string; shape: string; identifier: string }): string {
  const templateName = `'template-${target.shape}'`;
  if (!/\btemplateFamily\b/.test(template) || !template.includes(templateName)) {
    throw new UsageError(`the ${target.shape} template does not follow the templates' contract (export const templateFamily, name ${templateName})`);
  }
  const [first, ...rest] = template.split('\n');
  const fits = first!.replace(/^\/\/\s*/, '');
  return [`// ${target.env}/${target.name} (from the ${target.shape} shape): ${fits}`, ...rest]
    .join('\n')
    .replace(/\btemplateFamily\b/g, target.identifier)
    .replaceAll(templateName, `'${target.name}'`)
    .replaceAll("from '../", "from './");
}

/** The env's index with the family imported after the last import and appended to `FAMILIES`. */
export function registerFamily(index: string, identifier: string, name: string, path: string): string {
  const lines = index.split('\n');
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  // An import may run over several lines: it ends at the first line after its start that ends with `;`.
  const end = lastImport < 0 ? -1 : lines.findIndex((line, i) => i >= lastImport && line.trimEnd().endsWith(';'));
  const families = /(export const FAMILIES\b[^=]*=\s*\[)([\s\S]*?)(\]\s*;)/;
  if (end < 0 || !families.test(index)) throw new UsageError(`${path} has no imports or no \`export const FAMILIES = [...]\` to add ${identifier} to`);
  lines.splice(end + 1, 0, `import { ${identifier} } from './${name}.js';`);
  return lines.join('\n').replace(families, (_, open: string, items: string, close: string) => {
    const kept = items.replace(/,?\s*$/, '');
    return `${open}${kept}${kept.trim() ? ',' : ''}\n  ${identifier},\n${close}`;
  });
}

/** The row's cells by the column headings of the env's family table. */
export function docRow(env: string, name: string, shape: string, facts: TemplateFacts): (heading: string) => string {
  const names = (items: readonly string[]) => items.map((item) => `\`${item}\``).join(', ') || '—';
  return (heading) => {
    const h = heading.toLowerCase();
    if (h === 'id') return `\`${env}/${name}\``;
    if (h === 'job') return facts.job ?? '—';
    if (h === 'difficulty') return facts.difficulty;
    if (h.includes('ask')) return `**New, from the \`${shape}\` shape:** ${facts.description}`;
    if (h === 'strategies') return names(facts.strategies);
    if (h === 'near-misses') return names(facts.nearMisses);
    return `as the \`${shape}\` shape`;
  };
}

/** The doc with a row appended to the first table of its `## Families` section. */
export function addDocRow(doc: string, cell: (heading: string) => string, path: string): string {
  const lines = doc.split('\n');
  const section = lines.findIndex((line) => /^## Families\b/.test(line));
  const header = lines.findIndex((line, i) => i > section && line.startsWith('|'));
  if (section < 0 || header < 0) throw new UsageError(`${path} has no table under "## Families" to add the family's row to`);
  let last = header;
  while (lines[last + 1]?.startsWith('|')) last += 1;
  const headings = lines[header]!.split('|')
    .slice(1, -1)
    .map((h) => h.trim());
  lines.splice(last + 1, 0, `| ${headings.map((h) => cell(h).replaceAll('|', '\\|')).join(' | ')} |`);
  return lines.join('\n');
}

/** The template's own declaration, loaded as the CLI runs (its sources under the source condition, else the build). */
async function templateFacts(root: string, env: string, shape: string): Promise<TemplateFacts> {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = join(root, 'envs', env, fromSource ? 'src' : 'dist', 'tasks', 'templates', `${shape}.${fromSource ? 'ts' : 'js'}`);
  try {
    const { templateFamily } = (await import(pathToFileURL(file).href)) as { templateFamily?: TemplateFacts };
    if (!templateFamily) throw new Error('it exports no templateFamily');
    return templateFamily;
  } catch (error) {
    throw new UsageError(`cannot load the ${shape} template (${file}): ${(error as Error).message}`);
  }
}

/** Formats the written TypeScript with the checkout's Prettier, when it is installed; returns whether it ran. */
function prettify(root: string, files: string[]): boolean {
  const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  if (!existsSync(prettier)) return false;
  return spawnSync(process.execPath, [prettier, '--write', ...files], { cwd: root, stdio: 'ignore' }).status === 0;
}

function read(root: string, path: string): string {
  if (!existsSync(join(root, path))) throw new UsageError(`${path} is missing: is this a whole workgym checkout?`);
  return readFileSync(join(root, path), 'utf8');
}

function printNextSteps(written: {
  env: string;
  name: string;
  shape: string;
  identifier: string;
  paths: { family: string; index: string; doc: string };
  formatted: boolean;
}): void {
  const { env, name, shape, identifier, paths } = written;
  const id = `${env}/${name}`;
  const rollout = (agent: string, extra = '') =>
    `workgym rollout --env ${env} --family ${id} --agent ${agent}${extra} --runtime local --out runs/${name}-${agent}`;
  console.log(
    [
      `wrote ${paths.family} (the ${shape} shape, as ${identifier})`,
      `registered ${identifier} in ${paths.index} (FAMILIES)`,
      `added a row for ${id} to ${paths.doc} (its description cell is marked New: say what the family asks)`,
      ...(written.formatted ? ['formatted the TypeScript with Prettier'] : []),
      '',
      `Change ${paths.family} where its comments say, then check it:`,
      `  # the conformance suite on ${id} alone`,
      `  workgym check ${env} --family ${id} --runtime local`,
      '  # the expert gets reward 1 on every episode',
      `  ${rollout('expert', ' --episodes 5')}`,
      '  # both must score 0: a family that pays for no work is broken',
      `  ${rollout('nothing')}`,
      `  ${rollout('submit')}`,
    ].join('\n'),
  );
}
