import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { type Difficulty, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { bashLook, SUBMIT, type Look } from './expert/step.js';
import type { EpisodeView } from './expert/view.js';
import { MODES_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

/**
 * Which rule of the policy a path falls under. The policy is in modes only: the agent is an
 * unprivileged user who owns every file and belongs to one group, so it can neither chown nor
 * chgrp, and a task about owners could not be done.
 */
type Rule = 'scripts' | 'secrets' | 'shared' | 'config' | 'other';

/** The rules the instruction states that every instance breaks somewhere: each one dropped leaves a path wrong. */
const CONDITIONS = ['scripts', 'secrets', 'shared'] as const;

const POLICY: Record<Rule, { file: number; dir: number; text: string }> = {
  scripts: { file: 0o755, dir: 0o755, text: 'every *.sh file in bin/ is a script: 0755 (rwxr-xr-x)' },
  secrets: { file: 0o600, dir: 0o700, text: 'the directory secrets/ is 0700 (rwx------) and every file in it 0600 (rw-------)' },
  shared: {
    file: 0o664,
    dir: 0o775,
    text: 'shared/ and every directory under it are group-writable, 0775 (rwxrwxr-x), and the files under it 0664 (rw-rw-r--)',
  },
  config: { file: 0o640, dir: 0o755, text: 'every *.env file in config/ is 0640 (rw-r-----)' },
  other: { file: 0o644, dir: 0o755, text: 'every other file is 0644 (rw-r--r--) and every other directory 0755 (rwxr-xr-x)' },
};

/** Wrong modes a path of each rule starts with: each keeps its owner's access, so the agent can always fix it. */
const WRONG: Record<Rule, { file: number[]; dir: number[] }> = {
  // Never one that `chmod u+x` turns into 0755: that near-miss must fail.
  scripts: { file: [0o644, 0o640, 0o600, 0o664], dir: [] },
  secrets: { file: [0o644, 0o640, 0o604, 0o664, 0o666], dir: [0o755, 0o750, 0o711] },
  shared: { file: [0o644, 0o640, 0o660], dir: [0o755, 0o750, 0o705] },
  config: { file: [0o644, 0o666, 0o600, 0o660], dir: [] },
  other: { file: [0o600, 0o755, 0o666], dir: [0o700, 0o750, 0o775] },
};

/** Tree size, wrong paths per stated rule, and the look-alikes (a README in bin/, a public certificate, an .env example) per tier. */
const TIERS: Record<Difficulty, { scripts: number; secrets: number; shared: number; wrongEach: [number, number]; extraWrong: number; lookAlikes: boolean }> = {
  easy: { scripts: 2, secrets: 1, shared: 1, wrongEach: [1, 1], extraWrong: 0, lookAlikes: false },
  medium: { scripts: 3, secrets: 2, shared: 2, wrongEach: [1, 2], extraWrong: 1, lookAlikes: false },
  hard: { scripts: 4, secrets: 3, shared: 3, wrongEach: [2, 2], extraWrong: 3, lookAlikes: true },
};

interface Entry {
  path: string;
  dir: boolean;
  rule: Rule;
}

const SCRIPTS = ['deploy.sh', 'backup.sh', 'healthcheck.sh', 'rotate-logs.sh', 'restart-workers.sh', 'sync-assets.sh'];
const SECRETS = ['api.key', 'db-password.txt', 'tls.key', 'jwt-signing.pem', 'deploy_ed25519'];
const SHARED = ['uploads', 'reports', 'exports', 'inbox'];

function tree(rng: Rng, tier: Difficulty): Entry[] {
  const size = TIERS[tier];
  const entries: Entry[] = [{ path: 'bin', dir: true, rule: 'other' }];
  for (const name of rng.sample(SCRIPTS, size.scripts)) entries.push({ path: `bin/${name}`, dir: false, rule: 'scripts' });
  entries.push({ path: 'secrets', dir: true, rule: 'secrets' });
  for (const name of rng.sample(SECRETS, size.secrets)) entries.push({ path: `secrets/${name}`, dir: false, rule: 'secrets' });
  entries.push({ path: 'shared', dir: true, rule: 'shared' });
  for (const name of rng.sample(SHARED, size.shared)) {
    entries.push({ path: `shared/${name}`, dir: true, rule: 'shared' });
    entries.push({ path: `shared/${name}/${rng.pick(['README.txt', 'index.csv', 'latest.json'])}`, dir: false, rule: 'shared' });
  }
  entries.push(
    { path: 'config', dir: true, rule: 'other' },
    { path: 'config/app.env', dir: false, rule: 'config' },
    { path: 'config/settings.ini', dir: false, rule: 'other' },
  );
  entries.push({ path: 'docs', dir: true, rule: 'other' }, { path: 'docs/RUNBOOK.md', dir: false, rule: 'other' });
  if (tier !== 'easy')
    entries.push(
      { path: 'config/worker.env', dir: false, rule: 'config' },
      { path: 'logs', dir: true, rule: 'other' },
      { path: 'logs/app.log', dir: false, rule: 'other' },
    );
  if (size.lookAlikes) {
    entries.push(
      { path: 'bin/README.md', dir: false, rule: 'other' },
      { path: 'certs', dir: true, rule: 'other' },
      { path: 'certs/ca.pem', dir: false, rule: 'other' },
      { path: 'config/app.env.example', dir: false, rule: 'other' },
    );
  }
  return entries;
}

const expectedMode = (e: Entry) => (e.dir ? POLICY[e.rule].dir : POLICY[e.rule].file);
const octal = (mode: number) => mode.toString(8);

function content(rng: Rng, e: Entry): string {
  const name = e.path.split('/').pop()!;
  if (e.rule === 'scripts') return `#!/bin/bash\n# ${name.replace('.sh', '').replace('-', ' ')}\nset -eu\necho "${name} ok"\n`;
  if (e.rule === 'secrets') return `${Array.from({ length: 4 }, () => rng.int(0, 0xffffff).toString(16).padStart(6, '0')).join('')}\n`;
  if (e.rule === 'config') return `DATABASE_URL=postgres://app:${rng.int(1000, 9999)}@db.internal/app\nLOG_LEVEL=info\n`;
  if (name === 'ca.pem') return '-----BEGIN CERTIFICATE-----\nMIIB (the public CA certificate clients trust)\n-----END CERTIFICATE-----\n';
  return `# ${e.path}\n`;
}

/** Commands run one after another (each once), then submit: the scripted attempts. */
function commandsThenSubmit(name: string, commands: string[], view: EpisodeView): ExpertStep {
  const next = commands.find((command) => !view.made({ name: 'bash', arguments: { command } }));
  return next ? { call: { name: 'bash', arguments: { command: next } }, text: `${name}: ${next}` } : { call: SUBMIT, text: `${name}: submit` };
}

const RULE_COMMANDS: Partial<Record<Rule, string>> = {
  scripts: "find bin -name '*.sh' -exec chmod 755 {} +",
  secrets: 'chmod 700 secrets && find secrets -type f -exec chmod 600 {} +',
  shared: 'find shared -type d -exec chmod 775 {} + && find shared -type f -exec chmod 664 {} +',
  config: "find config -name '*.env' -exec chmod 640 {} +",
};

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const entries = tree(rng, tier);
  const expected = Object.fromEntries(entries.map((e) => [e.path, expectedMode(e)]));
  const start = { ...expected };
  const size = TIERS[tier];
  // Every stated rule is broken somewhere (so dropping it leaves a wrong path), with its own
  // kind of path: a script, a key and the secrets directory, a shared directory or file.
  for (const rule of CONDITIONS) {
    const own = entries.filter((e) => e.rule === rule);
    for (const e of rng.sample(own, Math.min(own.length, rng.int(...size.wrongEach)))) start[e.path] = rng.pick(e.dir ? WRONG[rule].dir : WRONG[rule].file);
  }
  const rest = entries.filter((e) => (e.rule === 'config' || e.rule === 'other') && start[e.path] === expected[e.path]);
  for (const e of rng.sample(rest, Math.min(rest.length, size.extraWrong))) start[e.path] = rng.pick(e.dir ? WRONG[e.rule].dir : WRONG[e.rule].file);
  const files = Object.fromEntries(entries.filter((e) => !e.dir).map((e) => [e.path, content(rng, e)]));
  const policy = (['scripts', 'secrets', 'shared', 'config', 'other'] as const).map((rule) => POLICY[rule].text);
  const policyText = policy.map((line, i) => `(${i + 1}) ${line}`).join('; ');
  const listing = bashLook(
    "find . -mindepth 1 -printf '%m %y %p\\n' | sort -k3",
    ["every path's mode"],
    'every path of the workspace with its mode and type',
    'List every path with its mode (find prints it in octal) to compare with the policy.',
  );
  const statLook = bashLook(
    "find . -mindepth 1 -exec stat -c '%a %F %n' {} +",
    ["every path's mode"],
    'stat of every path of the workspace',
    'Show the mode of every path (stat) to compare with the policy.',
  );
  const verify = bashLook(
    "find . -mindepth 1 -printf '%m %p\\n' | sort -k2",
    ["every path's mode"],
    'every path with its mode again',
    'List the modes again to see that every path follows the policy now.',
  );
  const wrongNow = (view: EpisodeView, skip?: Rule) => entries.filter((e) => e.rule !== skip && view.mode(e.path) !== expected[e.path]);
  const sources = (paths: string[]) => [policyText, ...paths];
  const chmodGroups = (wrong: Entry[]) => {
    const byMode = new Map<number, string[]>();
    for (const e of wrong) byMode.set(expected[e.path]!, [...(byMode.get(expected[e.path]!) ?? []), e.path]);
    return [...byMode].map(([mode, paths]) => ({ command: `chmod ${octal(mode)} ${paths.join(' ')}`, paths, mode }));
  };
  const describe = (view: EpisodeView, paths: string[]) =>
    paths.map((p) => `${p} is ${view.mode(p) === undefined ? 'missing' : octal(view.mode(p)!)}`).join(', ');
  const ruleOf = (path: string) => entries.find((e) => e.path === path)!.rule;
  /** One chmod per mode the wrong paths need; `skip` leaves a rule's paths as they are (its relaxation). */
  const eachStep = (view: EpisodeView, skip?: Rule): ExpertStep | undefined => {
    const group = chmodGroups(wrongNow(view, skip))[0];
    if (!group) return undefined;
    return {
      call: { name: 'bash', arguments: { command: group.command } },
      text: `${describe(view, group.paths)}; the policy says ${POLICY[ruleOf(group.paths[0]!)].text}: set ${octal(group.mode)}.`,
      derived: [{ value: group.command, sources: sources(group.paths), how: 'chmod with the policy mode of the listed paths that differ from it' }],
    };
  };
  const ruleStep = (view: EpisodeView): ExpertStep | undefined => {
    const wrong = wrongNow(view);
    for (const rule of ['scripts', 'secrets', 'shared', 'config'] as const) {
      const command = RULE_COMMANDS[rule]!;
      const mine = wrong.filter((e) => e.rule === rule);
      if (mine.length === 0) continue;
      return {
        call: { name: 'bash', arguments: { command } },
        text: `${describe(
          view,
          mine.map((e) => e.path),
        )}; the policy says ${POLICY[rule].text}: apply that rule to the whole of it.`,
        derived: [{ value: command, sources: [POLICY[rule].text], how: 'the rule of the policy as a find over its directory' }],
      };
    }
    return eachStep(view);
  };
  const strategies: Record<string, { look: Look; step: (view: EpisodeView) => ExpertStep | undefined }> = {
    'chmod-each': { look: listing, step: (view) => eachStep(view) },
    'find-rules': { look: statLook, step: ruleStep },
  };
  const scripted: Record<string, (view: EpisodeView) => ExpertStep> = {
    'owner-exec-only': (view) =>
      commandsThenSubmit(
        'owner-exec-only',
        [
          "find bin -name '*.sh' -exec chmod u+x {} +",
          ...chmodGroups(entries.filter((e) => e.rule !== 'scripts' && start[e.path] !== expected[e.path])).map((g) => g.command),
        ],
        view,
      ),
    'recursive-secrets-600': (view) =>
      commandsThenSubmit(
        'recursive-secrets-600',
        ['chmod -R 600 secrets', ...chmodGroups(entries.filter((e) => e.rule !== 'secrets' && start[e.path] !== expected[e.path])).map((g) => g.command)],
        view,
      ),
    [guessStrategy('chmod-r-755')]: (view) => commandsThenSubmit('guess chmod-r-755', ['chmod -R 755 .'], view),
    [guessStrategy('chmod-r-go-rwx')]: (view) => commandsThenSubmit('guess chmod-r-go-rwx', ['chmod -R go-rwx .'], view),
    ...Object.fromEntries(
      CONDITIONS.map((rule) => [
        relaxStrategy(rule),
        (view: EpisodeView) => eachStep(view, rule) ?? { call: SUBMIT, text: `relax:${rule}: every path but the ${rule} rule's follows the policy: submit.` },
      ]),
    ),
  };
  const wrongAtStart = entries.filter((e) => start[e.path] !== expected[e.path]);
  const candidates: PlannedCall[] = [
    listing.call,
    statLook.call,
    ...rng
      .shuffle([
        ...Object.values(RULE_COMMANDS),
        ...chmodGroups(wrongAtStart).map((g) => g.command),
        "find bin -name '*.sh' -exec chmod u+x {} +",
        'chmod -R 600 secrets',
        'chmod -R 755 .',
      ])
      .map((command) => ({ name: 'bash', arguments: { command } })),
    verify.call,
    SUBMIT,
  ];
  return {
    instruction:
      `The files of this deployment tree have drifted from the permission policy. Set every path's mode to what the policy says: ${policyText}. ` +
      'Change modes only (not the files, not paths that already follow it); owners and groups stay as they are. Call submit when you are done.',
    files,
    modes: start,
    check: { kind: 'modes', expected },
    expert: (view, strategy) => {
      const play = scripted[strategy];
      if (play) return play(view);
      const chosen = strategies[strategy] ?? strategies['chmod-each']!;
      if (!view.made(chosen.look.call)) return { call: chosen.look.call, text: chosen.look.why as string, derived: chosen.look.derived };
      const step = chosen.step(view);
      if (step) return step;
      if (!view.made(verify.call)) return { call: verify.call, text: verify.why as string, derived: verify.derived };
      return { call: SUBMIT, text: 'Every path follows the policy now: submit.' };
    },
    candidates,
  };
}

/** code/it-fix-permissions: bring a tree's modes back to a stated permission policy. */
export const itFixPermissions: FamilyDef = {
  name: 'it-fix-permissions',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  heldOut: true,
  description:
    'Files and directories of a deployment tree have drifted from a stated permission policy (scripts not executable, keys readable by others, a shared directory not group-writable); set every mode the policy names, change nothing else. Judged by lstat of every path against the policy.',
  strategies: ['chmod-each', 'find-rules'],
  nearMisses: ['owner-exec-only', 'recursive-secrets-600'],
  components: MODES_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['chmod-r-755', 'chmod-r-go-rwx'],
  generate,
};
