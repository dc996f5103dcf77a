import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { bashLook, firstUnmade, SUBMIT, type Look } from './expert/step.js';
import type { EpisodeView } from './expert/view.js';
import { pyJson, STATE_PRELUDE } from './state-check.js';
import type { FamilyDef, TaskInstance } from './task.js';

/**
 * `protected_kept` stays beside the kit's `no_collateral`: a protected file past the snapshot's
 * hashing cap (a big log, a core dump) is known there by size and time only, and this reads its
 * bytes.
 */
const COMPONENTS = [
  { name: 'space_freed', kind: 'progress' },
  { name: 'protected_kept', kind: 'guard' },
] as const;

/** What the task allows: rotated logs older than D days only, backups but the newest of each database. */
const CONDITIONS = ['age', 'newest-backup'] as const;
type Condition = (typeof CONDITIONS)[number];

/** Constant clean-ups: the core dumps alone, and the three largest files whatever they are. */
const GUESSES: Record<string, string> = {
  'core-dumps-only': 'rm -f var/crash/core.*',
  'largest-files': "find . -type f -printf '%s %p\\n' | sort -n | tail -n 3 | cut -d' ' -f2- | xargs -r rm -f",
};
const TRUNCATE_CURRENT = 'truncate-current-logs';
const WHOLE_TREE_FIND = 'whole-tree-find';

const MB = 1024 * 1024;
const DAY = 86_400;
const SERVICES = ['nginx', 'api', 'worker', 'scheduler', 'auth', 'payments', 'search', 'mailer'];
const PROGRAMS = ['python3', 'node', 'java', 'postgres', 'uwsgi', 'ruby'];
const DATABASES = ['orders', 'users', 'billing', 'catalog', 'events'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const AGES = [3, 5, 7, 10, 14];

/** The tiers' knob: services and their rotated logs, backups, homes, and look-alikes (hard). */
const TIERS: Record<Difficulty, { services: number; rotations: [number, number]; databases: number; homes: number; lookAlikes: boolean }> = {
  easy: { services: 2, rotations: [3, 5], databases: 1, homes: 1, lookAlikes: false },
  medium: { services: 3, rotations: [4, 8], databases: 2, homes: 2, lookAlikes: false },
  hard: { services: 5, rotations: [5, 10], databases: 3, homes: 4, lookAlikes: true },
};

/** One file of the tree: its text (the rest of its size is a hole), size, age, and whether the task lets it go. */
interface Entry {
  path: string;
  text: string;
  size: number;
  age: number;
  kind: 'rotated' | 'core' | 'backup' | 'keep';
}

interface Tree {
  days: number;
  entries: Entry[];
}

const sizeOf = (rng: Rng, lo: number, hi: number) => rng.int(lo, hi) * MB + rng.int(0, MB - 1);
const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');

function logText(service: string, rng: Rng): string {
  return `${service}[${rng.int(100, 9999)}]: started\n${service}: listening\n`;
}

function drawTree(rng: Rng, tier: Difficulty): Tree {
  const t = TIERS[tier];
  const days = rng.pick(AGES);
  const entries: Entry[] = [];
  const add = (path: string, text: string, size: number, age: number, kind: Entry['kind']) => entries.push({ path, text, size, age, kind });
  for (const service of rng.sample(SERVICES, t.services)) {
    const dir = `var/log/${service}`;
    add(`${dir}/${service}.log`, logText(service, rng), sizeOf(rng, 1, 30), rng.int(60, 3000), 'keep');
    // Rotated every `every` days, the last time `since` days ago: NAME.log.k was last written
    // (k - 1) periods before that. Never near a day boundary, so find -mtime reads each one way.
    const every = rng.pick([1, 1, 2, 7]);
    const since = rng.int(0, every - 1);
    const age = (k: number) => ((k - 1) * every + since) * DAY + rng.int(Math.round(0.15 * DAY), Math.round(0.85 * DAY));
    add(`${dir}/${service}.log.1`, logText(service, rng), sizeOf(rng, 5, 40), age(1), 'rotated');
    for (let k = 2; k <= rng.int(...t.rotations); k++) add(`${dir}/${service}.log.${k}.gz`, `\x1f${service} log ${k}\n`, sizeOf(rng, 2, 30), age(k), 'rotated');
  }
  for (let i = 0; i < rng.int(2, 4); i++) {
    const program = rng.pick(PROGRAMS);
    add(`var/crash/core.${program}.${rng.int(1000, 65000)}`, '\x7fELF\x02\x01\x01\n', sizeOf(rng, 40, 300), rng.int(1, 40) * DAY + rng.int(0, DAY), 'core');
  }
  for (const db of rng.sample(DATABASES, t.databases)) {
    const count = rng.int(2, 5);
    const every = rng.int(5, 9) * DAY;
    const ages = rng.shuffle(Array.from({ length: count }, (_, i) => (i + 1) * every + rng.int(0, 3600)));
    const newest = Math.min(...ages);
    for (const age of ages) {
      add(`backups/${db}/${db}-${hex(rng, 8)}.tar`, `-- ${db} full backup\n`, sizeOf(rng, 80, 400), age, age === newest ? 'keep' : 'backup');
    }
    add(`data/${db}/${db}.db`, 'SQLite format 3\n', sizeOf(rng, 600, 900), rng.int(0, 3600), 'keep');
  }
  // The audit archive is named like a rotated log and old, but it is data: never deleted.
  add(`data/audit/audit.log.${rng.int(2, 9)}.gz`, '\x1faudit archive\n', sizeOf(rng, 10, 60), (days + rng.int(5, 40)) * DAY, 'keep');
  for (const user of rng.sample(USERS, t.homes)) {
    add(`home/${user}/notes.txt`, `todo: ${rng.pick(['renew cert', 'check backups', 'update deps'])}\n`, 200 + rng.int(0, 2000), rng.int(1, 90) * DAY, 'keep');
    add(
      `home/${user}/Downloads/${rng.pick(['ubuntu-24.04.iso', 'dataset.tar', 'vm-image.qcow2'])}`,
      'image\n',
      sizeOf(rng, 100, 500),
      rng.int(2, 90) * DAY,
      'keep',
    );
    if (t.lookAlikes) {
      add(`home/${user}/src/core.py`, '"""The core of the tool."""\n', 1000 + rng.int(0, 5000), rng.int(days + 2, 90) * DAY, 'keep');
      add(`home/${user}/logs/build.log.${rng.int(2, 6)}.gz`, '\x1fbuild log\n', sizeOf(rng, 5, 30), rng.int(days + 2, 60) * DAY, 'keep');
    }
  }
  if (tier !== 'easy') {
    for (let i = 0; i < rng.int(3, 8); i++) add(`var/cache/app/blob-${hex(rng, 6)}.bin`, 'cache\n', sizeOf(rng, 20, 80), rng.int(0, 20) * DAY, 'keep');
  }
  return { days, entries };
}

/** Whether the task allows deleting `e`: every rule, or all but `drop`. */
function allowed(e: Entry, days: number, drop?: Condition): boolean {
  if (e.kind === 'rotated') return drop === 'age' || Math.floor(e.age / DAY) > days;
  if (e.kind === 'backup' || e.kind === 'core') return true;
  return drop === 'newest-backup' && e.path.startsWith('backups/');
}

const total = (entries: Entry[]) => entries.reduce((n, e) => n + e.size, 0);

/** The amount to free: every allowed kind is needed (each is more than the slack), and the biggest file is data. */
function need(tree: Tree): number {
  const free = tree.entries.filter((e) => allowed(e, tree.days));
  const kinds = (['rotated', 'core', 'backup'] as const).map((k) => total(free.filter((e) => e.kind === k)));
  return Math.floor((total(free) - Math.min(...kinds) / 2) / MB);
}

function telling(tree: Tree): boolean {
  const { days, entries } = tree;
  const rotated = entries.filter((e) => e.kind === 'rotated');
  const biggest = entries.reduce((a, b) => (b.size > a.size ? b : a));
  const needed = need(tree) * MB;
  const free = entries.filter((e) => allowed(e, days));
  return (
    rotated.some((e) => allowed(e, days)) &&
    rotated.some((e) => !allowed(e, days)) &&
    biggest.path.startsWith('data/') &&
    (['rotated', 'core', 'backup'] as const).every((k) => total(free.filter((e) => e.kind !== k)) < needed)
  );
}

// The judge: bytes freed among the allowed files, and every other file as it started (same
// size, same text, nothing but a hole or zeros after it), read in place.
const CHECKS = `import errno


def size_now(path):
    fd = open_regular(path)
    if fd is None:
        return 0
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def zeros_after(fd, pos, size):
    while pos < size:
        try:
            pos = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError as error:
            if error.errno == errno.ENXIO:
                return True
            raise
        end = min(size, os.lseek(fd, pos, os.SEEK_HOLE))
        while pos < end:
            chunk = os.pread(fd, min(1 << 20, end - pos), pos)
            if not chunk or chunk.strip(b'\\0'):
                return False
            pos += len(chunk)
    return True


def intact(path, size, text):
    fd = open_regular(path)
    if fd is None:
        return False
    try:
        data = text.encode()
        return os.fstat(fd).st_size == size and os.pread(fd, len(data), 0) == data and zeros_after(fd, len(data), size)
    finally:
        os.close(fd)


def space_freed():
    freed = sum(max(0, size - size_now(path)) for path, size in TRUTH['allowed'].items())
    need = TRUTH['need']
    return [min(1, freed / need), f'{freed // 1048576} MB freed of the {need // 1048576} MB asked']


def protected_kept():
    broken = [path for path, (size, text) in TRUTH['protected'].items() if not intact(path, size, text)]
    return [0 if broken else 1, f"changed or deleted: {', '.join(broken[:3])}" if broken else 'every other file as it was']
`;

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const tree = drawUntil(rng, (r) => drawTree(r, tier), telling);
  const { days, entries } = tree;
  const needMb = need(tree);
  const files = Object.fromEntries(entries.map((e) => [e.path, e.text]));
  const free = entries.filter((e) => allowed(e, days));
  const truth = {
    need: needMb * MB,
    allowed: Object.fromEntries(free.map((e) => [e.path, e.size])),
    protected: Object.fromEntries(entries.filter((e) => !allowed(e, days)).map((e) => [e.path, [e.size, e.text]])),
  };
  const oldBackups = free.filter((e) => e.kind === 'backup').map((e) => e.path);
  const allBackups = entries.filter((e) => e.path.startsWith('backups/')).map((e) => e.path);
  const dbDirs = [...new Set(allBackups.map((p) => p.split('/').slice(0, 2).join('/')))];
  const instruction =
    `This workspace is a copy of a server's disk, and the disk is full. Free at least ${needMb} MB (1 MB = 1048576 bytes) by deleting only: ` +
    `rotated logs under var/log (NAME.log.N or NAME.log.N.gz) last modified more than ${days} days ago, as find -mtime +${days} counts days (whole days of age); the core dumps in var/crash; ` +
    'and in each database folder of backups/ every backup but the newest one (by modification time). ' +
    'Delete or change nothing else: not the current logs (NAME.log), not data/, home/ or var/cache. ' +
    'The big files here are sparse, so count apparent sizes (ls -l, du --apparent-size, find -size); du without --apparent-size shows almost nothing. Call submit when you are done.';
  const findOld = `find var/log -name '*.log.*' -mtime +${days}`;
  // Both strategies look at the core dumps and the backups the same way; they differ in the logs.
  const dumpsAndBackups = [
    bashLook('ls -l var/crash', ['var/crash'], 'the core dump folder the task names', 'List the core dumps and their sizes.'),
    bashLook(
      `ls -lt ${dbDirs.join(' ')}`,
      dbDirs,
      'the database folders of backups/, newest first',
      "List each database's backups newest first: the first of each stays.",
    ),
  ];
  const looks = {
    find: [
      bashLook(
        `${findOld} -printf '%TY-%Tm-%Td %10s %p\\n'`,
        ['var/log', `${days} days`, '.log.N'],
        'the rotated logs of var/log older than the limit the task states, with dates and sizes',
        `List the rotated logs modified more than ${days} days ago.`,
      ),
      ...dumpsAndBackups,
    ],
    ls: [
      bashLook(
        'ls -lt --time-style=long-iso var/log/*',
        ['var/log'],
        'every log folder, newest first',
        'List every log folder with modification times, newest first.',
      ),
      ...dumpsAndBackups,
    ],
  };
  const oldLogs = free.filter((e) => e.kind === 'rotated').map((e) => e.path);
  const shownAs = (paths: string[]) => paths.flatMap((p) => [p.slice(0, p.lastIndexOf('/')), p.slice(p.lastIndexOf('/') + 1)]);
  const rmBackups = bashLook(
    `rm -f ${oldBackups.join(' ')}`,
    shownAs(oldBackups),
    'every backup the listing shows after the newest of its folder',
    'Delete every backup but the newest of each database.',
  );
  const deletes = {
    find: [
      bashLook(
        `${findOld} -delete`,
        ['var/log', `${days} days`],
        'the same search, now deleting',
        `Delete the rotated logs older than ${days} days, exactly those the search listed.`,
      ),
      bashLook('rm -f var/crash/core.*', ['var/crash'], 'the core dumps listed', 'Delete the core dumps.'),
      rmBackups,
    ],
    ls: [
      bashLook(
        `rm -f ${oldLogs.join(' ')}`,
        [...shownAs(oldLogs), `${days} days`],
        `the rotated logs whose listed date is more than ${days} days before today`,
        `Delete the rotated logs dated more than ${days} days before today.`,
      ),
      bashLook(
        `rm -f ${free
          .filter((e) => e.kind === 'core')
          .map((e) => e.path)
          .join(' ')}`,
        free.filter((e) => e.kind === 'core').map((e) => e.path),
        'the core dumps listed',
        'Delete the core dumps.',
      ),
      rmBackups,
    ],
  };
  const measure = bashLook(
    'du -sh --apparent-size var/log var/crash backups',
    ['var/log', 'var/crash', 'backups'],
    'the folders the task lets me clean, measured again',
    'Measure what is left in the folders cleaned.',
  );
  const policy = (strategy: 'find' | 'ls') => (view: EpisodeView) =>
    firstUnmade(looks[strategy], view) ??
    firstUnmade(deletes[strategy], view) ??
    firstUnmade([measure], view) ?? { call: SUBMIT, text: `Everything the task allows is deleted (at least ${needMb} MB): submit.` };
  const commands =
    (list: string[], name: string) =>
    (view: EpisodeView): ExpertStep => {
      const next = list.map((command) => ({ name: 'bash', arguments: { command } })).find((call) => !view.made(call));
      return next ? { call: next, text: `${name}: ${next.arguments.command}` } : { call: SUBMIT, text: `${name}: submit` };
    };
  const right = [`${findOld} -delete`, 'rm -f var/crash/core.*', `rm -f ${oldBackups.join(' ')}`];
  const nearMisses: Record<string, (view: EpisodeView) => ExpertStep> = {
    [TRUNCATE_CURRENT]: commands([...right, 'truncate -s 0 var/log/*/*.log'], `near-miss ${TRUNCATE_CURRENT}`),
    [WHOLE_TREE_FIND]: commands([`find . -name '*.log.*' -mtime +${days} -delete`, ...right.slice(1)], `near-miss ${WHOLE_TREE_FIND}`),
    [relaxStrategy('age')]: commands(["find var/log -name '*.log.*' -delete", ...right.slice(1)], 'relax:age'),
    [relaxStrategy('newest-backup')]: commands([...right.slice(0, 2), `rm -f ${allBackups.join(' ')}`], 'relax:newest-backup'),
    ...Object.fromEntries(Object.entries(GUESSES).map(([name, command]) => [guessStrategy(name), commands([command], `guess ${name}`)])),
  };
  const strategies = { find: policy('find'), ls: policy('ls') };
  const candidates: PlannedCall[] = [
    ...looks.find.map((l: Look) => l.call),
    ...rng.shuffle([...deletes.find.map((l) => l.call), { name: 'bash', arguments: { command: `${findOld.replace(`+${days}`, `+${days * 3}`)} -delete` } }]),
    measure.call,
    SUBMIT,
  ];
  return {
    instruction,
    files,
    sizes: Object.fromEntries(entries.map((e) => [e.path, e.size])),
    ages: Object.fromEntries(entries.map((e) => [e.path, e.age])),
    check: {
      kind: 'state',
      prelude: `${STATE_PRELUDE}\n${CHECKS}\nTRUTH = ${pyJson(truth)}\n`,
      components: { space_freed: 'space_freed()', protected_kept: 'protected_kept()' },
    },
    changes: free.map((e) => e.path),
    expert: (view, strategy) => (nearMisses[strategy] ?? strategies[strategy as 'find' | 'ls'] ?? strategies.find)(view),
    candidates,
  };
}

/** code/it-disk-cleanup: free disk space by deleting only what the policy allows. */
export const itDiskCleanup: FamilyDef = {
  name: 'it-disk-cleanup',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Free the stated space on a full disk by deleting only old rotated logs, core dumps and all but the newest backups; data, homes and current logs stay byte for byte.',
  strategies: ['find', 'ls'],
  nearMisses: [TRUNCATE_CURRENT, WHOLE_TREE_FIND],
  components: COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: Object.keys(GUESSES),
  generate,
};
