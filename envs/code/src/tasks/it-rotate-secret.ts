import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type PlannedCall } from '@workgym/protocol/kit';
import { shellQuote } from './expert/shell.js';
import { bashLook, readFile, SUBMIT, writeThenSubmit } from './expert/step.js';
import type { EpisodeView } from './expert/view.js';
import { keep, workExpert, type Target } from './expert/work.js';
import { pyJson, STATE_PRELUDE } from './state-check.js';
import type { FamilyDef, TaskInstance } from './task.js';

/**
 * The components of a rotation, in credit order. `other_keys_kept` stays beside the kit's
 * `no_collateral`: the files holding the secret are changes the task expects, and only a parse
 * of each tells the keys beside the secret kept from keys lost or rewritten in them.
 */
const COMPONENTS = [
  { name: 'new_value_set', kind: 'progress' },
  { name: 'old_value_gone', kind: 'progress' },
  { name: 'other_keys_kept', kind: 'guard' },
] as const;

/** The task rotates one secret: the look-alike key sharing its name's prefix keeps its value. */
const CONDITIONS = ['key'] as const;
/** Constant attempts: drop the dotenv file, or empty every config file. */
const GUESSES: Record<string, string> = {
  'delete-env-file': 'rm -f .env',
  'empty-configs': 'find . -type f ! -name README.md -exec truncate -s 0 {} +',
};
const ONE_FILE = 'only-dotenv';
const PLAIN_SED = 'plain-sed';

type Format = 'env' | 'sh' | 'json' | 'yaml' | 'ini';

/** The secret's names in each format: KEY in dotenv and shell files, section.field in the others. */
interface Secret {
  label: string;
  envKey: string;
  section: string;
  field: string;
  /** The look-alike: the same field of another section, the env key with a suffix. */
  twinSection: string;
}

const SECRETS: Secret[] = [
  { label: 'database password', envKey: 'DB_PASSWORD', section: 'database', field: 'password', twinSection: 'replica' },
  { label: 'payments API key', envKey: 'PAYMENTS_API_KEY', section: 'payments', field: 'api_key', twinSection: 'sandbox' },
  { label: 'SMTP password', envKey: 'SMTP_PASSWORD', section: 'smtp', field: 'password', twinSection: 'fallback' },
];
const SERVICES = ['billing', 'orders', 'inventory', 'accounts', 'notifier', 'reports'];
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const SYMBOLS = '$#!&*@^~+=';

/** The config files of each tier: more files and formats, and in hard the look-alike on its own. */
const TIER_FILES: Record<Difficulty, { path: string; format: Format }[]> = {
  easy: [
    { path: '.env', format: 'env' },
    { path: 'config/settings.json', format: 'json' },
    { path: 'config/app.yaml', format: 'yaml' },
  ],
  medium: [
    { path: '.env', format: 'env' },
    { path: 'config/settings.json', format: 'json' },
    { path: 'config/app.yaml', format: 'yaml' },
    { path: 'config/worker.ini', format: 'ini' },
    { path: 'deploy/env.sh', format: 'sh' },
  ],
  hard: [
    { path: '.env', format: 'env' },
    { path: 'config/settings.json', format: 'json' },
    { path: 'config/app.yaml', format: 'yaml' },
    { path: 'config/worker.ini', format: 'ini' },
    { path: 'deploy/env.sh', format: 'sh' },
    { path: 'deploy/compose.yaml', format: 'yaml' },
    { path: 'config/cron.ini', format: 'ini' },
  ],
};

/** One config file: sections (name -> field -> value); '' holds the keys of flat formats. */
type Tree = Map<string, Map<string, string>>;

function word(rng: Rng, length: number, alphabet = ALNUM): string {
  return Array.from({ length }, () => rng.pick([...alphabet])).join('');
}

/**
 * The new value: letters, digits and symbols, with a double quote and a dollar sign, so every
 * format needs its own quoting (JSON escapes the quote, dotenv and shell single-quote it).
 */
function newValue(rng: Rng): string {
  const chars = [...word(rng, 14), '"', '$', ...word(rng, 2, SYMBOLS)];
  const body = rng.shuffle(chars.slice(1));
  return chars[0] + body.join('');
}

/** The sections of one service's settings; `secretAt` says which formats carry the secret. */
function drawTrees(rng: Rng, files: { path: string; format: Format }[], secret: Secret, old: string, twin: string): Map<string, Tree> {
  const host = `${rng.pick(['db', 'pg', 'mysql', 'mail', 'pay'])}-${rng.int(1, 9)}.internal`;
  const common: [string, string, string][] = [
    [secret.section, 'host', host],
    [secret.section, 'port', String(rng.pick([5432, 3306, 587, 443, 8443]))],
    [secret.section, 'user', rng.pick(SERVICES)],
    [secret.section, secret.field, old],
    [secret.twinSection, 'host', `${secret.twinSection}-${rng.int(1, 9)}.internal`],
    [secret.twinSection, secret.field, twin],
    ['server', 'port', String(rng.int(8000, 8999))],
    ['server', 'workers', String(rng.int(2, 16))],
    ['logging', 'level', rng.pick(['info', 'warning', 'debug'])],
  ];
  const trees = new Map<string, Tree>();
  for (const [i, { path, format }] of files.entries()) {
    const tree: Tree = new Map();
    // Each file holds most settings; the hard tier's last file holds only the look-alike.
    const lookAlikeOnly = i === 6;
    for (const [section, field, value] of common) {
      if (lookAlikeOnly && section !== secret.twinSection) continue;
      if (!lookAlikeOnly && section !== secret.section && section !== secret.twinSection && rng.next() < 0.3) continue;
      const flat = format === 'env' || format === 'sh';
      const key = flat ? envName(secret, section, field) : field;
      const at = flat ? '' : section;
      if (!tree.has(at)) tree.set(at, new Map());
      tree.get(at)!.set(key, value);
    }
    trees.set(path, tree);
  }
  return trees;
}

function envName(secret: Secret, section: string, field: string): string {
  if (section === secret.section && field === secret.field) return secret.envKey;
  if (section === secret.twinSection && field === secret.field) return `${secret.envKey}_${secret.twinSection.toUpperCase()}`;
  return `${section.toUpperCase()}_${field.toUpperCase()}`;
}

/** How each value is quoted in a file: seeded per key, so the start mixes styles. */
type Quotes = Map<string, 'none' | 'single' | 'double'>;

function render(format: Format, tree: Tree, quotes: Quotes, service: string): string {
  const q = (key: string, value: string): string => {
    const style = quotes.get(key) ?? 'none';
    return style === 'single' ? `'${value}'` : style === 'double' ? JSON.stringify(value) : value;
  };
  switch (format) {
    case 'env':
      return `# ${service}: environment for the app server\n` + [...tree.get('')!].map(([k, v]) => `${k}=${q(k, v)}`).join('\n') + '\n';
    case 'sh':
      return `#!/bin/sh\n# Sourced by the deploy scripts of ${service}.\n` + [...tree.get('')!].map(([k, v]) => `export ${k}=${q(k, v)}`).join('\n') + '\n';
    case 'ini':
      return [...tree].map(([section, fields]) => `[${section}]\n` + [...fields].map(([k, v]) => `${k} = ${v}`).join('\n') + '\n').join('\n');
    case 'yaml':
      return (
        `# ${service} settings\n` +
        [...tree].map(([section, fields]) => `${section}:\n` + [...fields].map(([k, v]) => `  ${k}: ${q(`${section}.${k}`, v)}`).join('\n')).join('\n') +
        '\n'
      );
    case 'json': {
      const object = Object.fromEntries([...tree].map(([section, fields]) => [section, Object.fromEntries(fields)]));
      return JSON.stringify({ service, ...object }, null, 2) + '\n';
    }
  }
}

/** Every key of a file, flattened as the judge's parsers read it (section.field, or KEY). */
function flatten(format: Format, tree: Tree, service: string): Record<string, string> {
  const flat: Record<string, string> = format === 'json' ? { service } : {};
  for (const [section, fields] of tree) for (const [k, v] of fields) flat[section ? `${section}.${k}` : k] = v;
  return flat;
}

// The judge's parsers: Python's own for JSON and INI, sh's quoting rules for dotenv and shell files; YAML as the strict subset the
// files use (nested mappings, plain, single- or double-quoted scalars), anything else an error.
const PARSERS = `import configparser


def shell_words(line):
    """A line's words as sh reads them; an expansion, glob or operator is an error."""
    words, word, i, started = [], [], 0, False
    while i < len(line):
        c = line[i]
        if c in ' \\t':
            if started:
                words.append(''.join(word))
            word, started, i = [], False, i + 1
            continue
        if c == '#' and not started:
            break
        started = True
        if c == "'":
            end = line.index("'", i + 1)
            word.append(line[i + 1:end])
            i = end + 1
        elif c == '"':
            i += 1
            while True:
                if i >= len(line):
                    raise ValueError('unclosed double quote')
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == '\\\\' and i + 1 < len(line) and line[i + 1] in '\\\\"$\`':
                    word.append(line[i + 1])
                    i += 2
                    continue
                if c in '$\`':
                    raise ValueError('expansion in double quotes')
                word.append(c)
                i += 1
        elif c == '\\\\':
            if i + 1 >= len(line):
                raise ValueError('trailing backslash')
            word.append(line[i + 1])
            i += 2
        elif c in '$\`;&|<>()*?[~':
            raise ValueError('expansion or operator')
        else:
            word.append(c)
            i += 1
    if started:
        words.append(''.join(word))
    return words


def parse_env(text, export):
    out = {}
    for line in text.splitlines():
        words = shell_words(line)
        if not words:
            continue
        if export:
            if words[0] != 'export' or len(words) != 2:
                raise ValueError('not an export line')
            words = words[1:]
        if len(words) != 1 or '=' not in words[0]:
            raise ValueError('not an assignment')
        key, value = words[0].split('=', 1)
        out[key] = value
    return out


def parse_ini(text):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.read_string(text)
    return {f'{s}.{k}': v for s in parser.sections() for k, v in parser[s].items()}


def yaml_scalar(raw):
    raw = raw.strip()
    if raw.startswith("'"):
        if len(raw) < 2 or not raw.endswith("'") or "'" in raw[1:-1].replace("''", ''):
            raise ValueError('bad single-quoted scalar')
        return raw[1:-1].replace("''", "'")
    if raw.startswith('"'):
        value = json.loads(raw)
        if not isinstance(value, str):
            raise ValueError('bad double-quoted scalar')
        return value
    if raw == '' or raw[0] in '[]{}&*!|>%@\`#,?-' or ': ' in raw or ' #' in raw or raw.endswith(':'):
        raise ValueError('not a plain scalar')
    return raw


def parse_yaml(text):
    out, section = {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        indent = len(line) - len(line.lstrip(' '))
        key, sep, rest = line.strip().partition(':')
        if not sep or not key or key != key.strip() or (rest and not rest.startswith(' ')):
            raise ValueError('not a mapping line')
        if indent == 0 and not rest.strip():
            section = key
        elif indent == 2 and section is not None and rest.strip():
            out[f'{section}.{key}'] = yaml_scalar(rest)
        else:
            raise ValueError('unexpected indentation')
    return out


def flat_json(value, prefix=''):
    out = {}
    for k, v in value.items():
        if isinstance(v, dict):
            out.update(flat_json(v, f'{prefix}{k}.'))
        elif isinstance(v, str):
            out[f'{prefix}{k}'] = v
        else:
            raise ValueError('not a string value')
    return out


def parse(path, fmt):
    raw = read_regular(path)
    if raw is None:
        return None
    text = raw.decode('utf-8')
    if fmt == 'json':
        return flat_json(json.loads(text))
    if fmt == 'ini':
        return parse_ini(text)
    if fmt == 'yaml':
        return parse_yaml(text)
    return parse_env(text, fmt == 'sh')


def parsed(path, fmt):
    try:
        return parse(path, fmt)
    except Exception:
        return None


def new_value_set():
    ok = [loc for loc in TRUTH['locations'] if (parsed(loc[0], FORMATS[loc[0]]) or {}).get(loc[1]) == TRUTH['new']]
    missing = [f'{p} {k}' for p, k in TRUTH['locations'] if [p, k] not in ok]
    return [len(ok) / len(TRUTH['locations']), f"{len(ok)}/{len(TRUTH['locations'])} places hold the new value" + (f" (not: {', '.join(missing[:3])})" if missing else '')]


def old_value_gone():
    left = [p for p in FORMATS if (read_regular(p) or b'').find(TRUTH['old'].encode()) >= 0]
    return [0 if left else 1, f"the old value is still in {', '.join(left)}" if left else 'the old value is gone']


def other_keys_kept():
    bad = []
    for path, fmt in FORMATS.items():
        now = parsed(path, fmt)
        if now is None:
            bad.append(f'{path} is missing or does not parse')
            continue
        want = dict(TRUTH['start'][path])
        for p, k in TRUTH['locations']:
            if p == path:
                want[k] = now.get(k)
        if now != want:
            keys = sorted(k for k in set(now) | set(want) if now.get(k) != want.get(k))
            bad.append(f"{path}: {', '.join(keys[:3])} changed")
    return [0 if bad else 1, '; '.join(bad[:3]) if bad else 'every other key as it was']
`;

interface Drawn {
  service: string;
  secret: Secret;
  old: string;
  twin: string;
  value: string;
  trees: Map<string, Tree>;
  quotes: Map<string, Quotes>;
}

function draw(rng: Rng, tier: Difficulty): Drawn {
  const secret = rng.pick(SECRETS);
  const old = word(rng, rng.int(16, 24));
  const twin = old.slice(0, rng.int(3, 6)) + word(rng, rng.int(12, 18));
  const files = TIER_FILES[tier];
  const trees = drawTrees(rng, files, secret, old, twin);
  const quotes = new Map(
    files.map(({ path }) => {
      const styles: Quotes = new Map();
      for (const [section, fields] of trees.get(path)!) {
        for (const key of fields.keys()) styles.set(section ? `${section}.${key}` : key, rng.pick(['none', 'single', 'double'] as const));
      }
      return [path, styles];
    }),
  );
  return { service: rng.pick(SERVICES), secret, old, twin, value: newValue(rng), trees, quotes };
}

/** Where the old value is: [path, flattened key] in every file that holds it. */
function locations(d: Drawn, formats: Map<string, Format>): [string, string][] {
  return [...d.trees].flatMap(([path, tree]) =>
    Object.entries(flatten(formats.get(path)!, tree, d.service))
      .filter(([, v]) => v === d.old)
      .map(([k]) => [path, k] as [string, string]),
  );
}

/** The files with the secret set to `value` where it was `from` (the look-alike too when `twin`). */
function rotated(d: Drawn, formats: Map<string, Format>, value: string, twin = false): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, tree] of d.trees) {
    const format = formats.get(path)!;
    const quotes = new Map(d.quotes.get(path)!);
    const next: Tree = new Map();
    for (const [section, fields] of tree) {
      next.set(section, new Map());
      for (const [key, v] of fields) {
        const hit = v === d.old || (twin && v === d.twin);
        next.get(section)!.set(key, hit ? value : v);
        // The new value holds a quote and a dollar sign: dotenv, shell and YAML single-quote it.
        if (hit && format !== 'json' && format !== 'ini') quotes.set(section ? `${section}.${key}` : key, 'single');
      }
    }
    files[path] = render(format, next, quotes, d.service);
  }
  return files;
}

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const formats = new Map(TIER_FILES[tier].map((f) => [f.path, f.format]));
  // Every file but the look-alike's own holds the secret; the look-alike sits in the dotenv file.
  const d = drawUntil(
    rng,
    (r) => draw(r, tier),
    (x) => locations(x, formats).length === TIER_FILES[tier].filter((_, i) => i !== 6).length && x.old !== x.twin,
  );
  const { secret, old, value, service } = d;
  const start: Record<string, string> = {};
  for (const [path, tree] of d.trees) start[path] = render(formats.get(path)!, tree, d.quotes.get(path)!, service);
  const twinKey = `${secret.envKey}_${secret.twinSection.toUpperCase()}`;
  const readme = `# ${service}\n\nSettings live in .env (the app server), config/ (the app and its workers) and deploy/ (the deploy scripts, where present).\n`;
  const files = { ...start, 'README.md': readme };
  const done = rotated(d, formats, value);
  const locs = locations(d, formats);
  const truth = {
    old,
    new: value,
    locations: locs,
    start: Object.fromEntries([...d.trees].map(([path, tree]) => [path, flatten(formats.get(path)!, tree, service)])),
  };
  const prelude = `${STATE_PRELUDE}\n${PARSERS}\nTRUTH = ${pyJson(truth)}\nFORMATS = ${pyJson(Object.fromEntries(formats))}\n`;
  const instruction =
    `Rotate the ${secret.label} of ${service}: its current value is the value of ${secret.envKey} in .env. ` +
    `Replace the current value with the new one, \`${value}\` (the characters between the backticks; it contains a double quote and a dollar sign), ` +
    `in every configuration file of the workspace that holds it (.env, config/, deploy/), so that each file still parses in its format (dotenv and shell quoting, JSON, YAML, INI) and gives the new value. ` +
    `The current value must remain nowhere. ${twinKey} and the ${secret.twinSection} settings are another secret: leave them, and every other setting, as they are. Call submit when you are done.`;
  const grep = bashLook(
    `grep -rn -F -- ${shellQuote(old)} .`,
    [old],
    `the current value shown in .env as ${secret.envKey}`,
    `.env shows the current value of ${secret.envKey}: find every file that holds it.`,
  );
  const quoting = (format: Format) =>
    format === 'json'
      ? 'a JSON string escapes the double quote'
      : format === 'ini'
        ? 'an INI value is taken as written up to the end of the line'
        : 'single quotes keep the double quote and the dollar sign literal';
  const targets: Target[] = [...d.trees.keys()].map((path) =>
    done[path] === start[path]
      ? keep(path, start[path]!)
      : {
          path,
          content: done[path]!,
          sources: [value, old, `${secret.envKey}`],
          how: `the line holding the current value, with the new value quoted for ${formats.get(path)}`,
          whyRead: () => `grep shows the current value in ${path}: read it before changing it.`,
          whyChange: () => `In ${path} the current value becomes the new one; ${quoting(formats.get(path)!)}.`,
        },
  );
  targets.push(keep('README.md', readme));
  const check = bashLook(
    `grep -rn -F -- ${shellQuote(old)} . || echo 'current value gone'`,
    [old],
    'the same search for the current value, now expected to find nothing',
    'Search again: the current value must be gone everywhere.',
  );
  const plainSed = Object.fromEntries([...d.trees.keys()].map((path) => [path, start[path]!.replaceAll(old, value)]));
  const commandThenSubmit = (name: string, command: string) => (view: EpisodeView) => {
    const call: PlannedCall = { name: 'bash', arguments: { command } };
    return view.made(call) ? { call: SUBMIT, text: `guess ${name}: submit` } : { call, text: `guess ${name}: the same command whatever the task` };
  };
  const expert = workExpert({
    strategies: { 'edit-file': 'tools', sed: 'shell' },
    look: (style) => [
      style === 'tools'
        ? { call: readFile('.env'), why: `Read .env: ${secret.envKey} holds the current value.` }
        : bashLook('cat .env', ['.env'], 'show the listed file', `Show .env: ${secret.envKey} holds the current value.`),
      grep,
    ],
    targets,
    check: () => check,
    whySubmit: () => 'The search finds the current value nowhere and every file was changed in its own quoting: submit.',
    nearMisses: {
      [ONE_FILE]: (view) => writeThenSubmit(ONE_FILE, { '.env': done['.env']! }, view),
      [PLAIN_SED]: (view) => writeThenSubmit(PLAIN_SED, plainSed, view),
      [relaxStrategy('key')]: (view) => writeThenSubmit('relax:key', rotated(d, formats, value, true), view),
      ...Object.fromEntries(Object.entries(GUESSES).map(([name, command]) => [guessStrategy(name), commandThenSubmit(name, command)])),
    },
  });
  const wrong = rotated(d, formats, value, true);
  const candidates: PlannedCall[] = [
    readFile('.env'),
    grep.call,
    ...rng
      .shuffle([...d.trees.keys()].flatMap((path) => (done[path] === start[path] ? [] : [path])))
      .flatMap((path) => [
        { name: 'write_file', arguments: { path, content: done[path]! } },
        ...(wrong[path] !== done[path] ? [{ name: 'write_file', arguments: { path, content: wrong[path]! } }] : []),
      ]),
    check.call,
    SUBMIT,
  ];
  return {
    instruction,
    files,
    check: {
      kind: 'state',
      prelude,
      components: { new_value_set: 'new_value_set()', old_value_gone: 'old_value_gone()', other_keys_kept: 'other_keys_kept()' },
    },
    changes: [...d.trees.keys()].filter((path) => done[path] !== start[path]),
    expert,
    candidates,
  };
}

/** code/it-rotate-secret: replace a secret in config files of several formats without breaking them. */
export const itRotateSecret: FamilyDef = {
  name: 'it-rotate-secret',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    "Rotate a secret in .env, JSON, YAML, INI and shell config files: the new value everywhere the old one was, in each format's quoting, every other key kept.",
  strategies: ['edit-file', 'sed'],
  nearMisses: [ONE_FILE, PLAIN_SED],
  components: COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: Object.keys(GUESSES),
  generate,
};
