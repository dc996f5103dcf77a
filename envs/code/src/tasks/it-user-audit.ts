import { relaxStrategy, type Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { bashLook, readFile, type Look } from './expert/step.js';
import type { EpisodeView } from './expert/view.js';
import { answerStep, EVERY_CANDIDATE, findAnswerTask, looksThenAnswer } from './shapes/find-answer.js';
import { ANSWER_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

/** What the question asks of an account: in the group, a login shell, sudo rights. */
const CONDITIONS = ['group', 'shell', 'sudo'] as const;
type Condition = (typeof CONDITIONS)[number];

/** Constant answers: the superuser, and the most common service account name. */
const GUESSES: Record<string, string> = { root: 'root', deploy: 'deploy' };
const PRIMARY_ONLY_MISSED = 'listed-members-only';
const COMMENTED_RULES = 'commented-rules-count';

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert'];
const LAST = ['smith', 'jones', 'garcia', 'chen', 'novak', 'kowalski', 'silva', 'okafor', 'berg', 'tanaka', 'dubois', 'rossi'];
const TEAMS = ['deploy', 'developers', 'ops', 'webadmin', 'dbadmin', 'release', 'oncall', 'analytics'];
const BOTS = ['ci', 'backup', 'metrics', 'sync', 'build', 'release'];
const SHELLS = ['/bin/bash', '/bin/bash', '/bin/zsh', '/bin/sh', '/usr/bin/fish'];
const NOLOGIN = ['/usr/sbin/nologin', '/bin/false', '/sbin/nologin'];
const RULES = ['ALL=(ALL:ALL) ALL', 'ALL=(ALL) NOPASSWD: ALL', 'ALL=(root) /usr/bin/systemctl, /usr/bin/journalctl', 'ALL=(ALL) /usr/bin/apt-get'];
/** Accounts of each tier beside the ones every task has: more people, more look-alikes. */
const FILLERS: Record<Difficulty, number> = { easy: 4, medium: 12, hard: 24 };

const SYSTEM = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
  'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
  'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  'backup:x:34:34:backup:/var/backups:/usr/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'postgres:x:113:120:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash',
];

interface User {
  name: string;
  uid: number;
  gid: number;
  shell: string;
  gecos: string;
}

interface Group {
  name: string;
  gid: number;
  members: string[];
}

interface Rule {
  /** A user name, %group or a User_Alias name. */
  who: string;
  spec: string;
  active: boolean;
  file: string;
}

interface World {
  team: Group;
  users: User[];
  groups: Group[];
  rules: Rule[];
  aliases: Map<string, string[]>;
}

const isLogin = (u: User) => !NOLOGIN.includes(u.shell);

/** The accounts meeting every condition but `drop`; `listedOnly` ignores primary groups, `commented` counts commented rules. */
function accounts(w: World, drop?: Condition, opts: { listedOnly?: boolean; commented?: boolean } = {}): string[] {
  const inGroup = (u: User, g: Group) => (!opts.listedOnly && u.gid === g.gid) || g.members.includes(u.name);
  const groupsOf = (u: User) => w.groups.filter((g) => inGroup(u, g)).map((g) => g.name);
  const sudo = (u: User) =>
    w.rules.some(
      (r) =>
        (r.active || opts.commented) &&
        (r.who === u.name || (r.who.startsWith('%') && groupsOf(u).includes(r.who.slice(1))) || (w.aliases.get(r.who) ?? []).includes(u.name)),
    );
  return w.users
    .filter((u) => (drop === 'group' || inGroup(u, w.team)) && (drop === 'shell' || isLogin(u)) && (drop === 'sudo' || sudo(u)))
    .map((u) => u.name)
    .sort();
}

/** A world where every condition and both near-misses change the answer, which is not empty. */
function telling(w: World): boolean {
  const answer = accounts(w).join();
  return (
    answer !== '' &&
    CONDITIONS.every((c) => accounts(w, c).join() !== answer) &&
    accounts(w, undefined, { listedOnly: true }).join() !== answer &&
    accounts(w, undefined, { commented: true }).join() !== answer
  );
}

function drawWorld(rng: Rng, tier: Difficulty): World {
  const [teamName, otherTeam] = rng.sample(TEAMS, 2) as [string, string];
  const team: Group = { name: teamName, gid: rng.int(3001, 3099), members: [] };
  const other: Group = { name: otherTeam, gid: team.gid + rng.int(1, 20), members: [] };
  const sudoGroup: Group = { name: 'sudo', gid: 27, members: [] };
  const extra: Group[] = [
    { name: 'adm', gid: 4, members: [] },
    { name: 'docker', gid: 998, members: [] },
    { name: 'staff', gid: 50, members: [] },
  ];
  const names = rng.shuffle(FIRST.flatMap((f) => LAST.map((l) => `${f}.${l}`)));
  const users: User[] = [];
  const person = (gid: number | 'own', shell: string): User => {
    const name = names.pop()!;
    const uid = 1001 + users.length;
    const [first, last] = name.split('.') as [string, string];
    // 'own': a user-private group, as adduser makes it (its GID is the UID).
    return { name, uid, gid: gid === 'own' ? uid : gid, shell, gecos: `${cap(first)} ${cap(last)},,,` };
  };
  const login = () => rng.pick(SHELLS);
  const rules: Rule[] = [];
  const rule = (who: string, active = true) => rules.push({ who, spec: rng.pick(RULES), active, file: 'etc/sudoers' });
  // The accounts every task needs: one that qualifies by its primary group, one listed in the
  // group with sudo, look-alikes that fail exactly one condition, a commented-out rule.
  const primary = person(team.gid, login());
  users.push(primary);
  rule(primary.name);
  const listed = person('own', login());
  users.push(listed);
  team.members.push(listed.name);
  sudoGroup.members.push(listed.name);
  const noShell = person(team.gid, rng.pick(NOLOGIN));
  noShell.name = `${rng.pick(BOTS)}-bot`;
  noShell.gecos = 'automation,,,';
  users.push(noShell);
  rule(noShell.name);
  const noSudo = person('own', login());
  users.push(noSudo);
  team.members.push(noSudo.name);
  const commented = person('own', login());
  users.push(commented);
  team.members.push(commented.name);
  rule(commented.name, false);
  const outsider = person('own', login());
  users.push(outsider);
  sudoGroup.members.push(outsider.name);
  for (let i = 0; i < FILLERS[tier]; i++) {
    const u = person(rng.next() < 0.3 ? team.gid : rng.next() < 0.5 ? 50 : 'own', rng.next() < 0.8 ? login() : rng.pick(NOLOGIN));
    users.push(u);
    for (const g of [team, other, sudoGroup, ...extra]) if (u.gid !== g.gid && rng.next() < 0.2) g.members.push(u.name);
    const r = rng.next();
    if (r < 0.15) rule(u.name);
    else if (r < 0.25) rule(u.name, false);
  }
  rule(`%${other.name}`, rng.next() < 0.7);
  const aliases = new Map<string, string[]>();
  if (tier === 'hard') {
    const alias = `${otherTeam.toUpperCase()}_ADMINS`;
    aliases.set(
      alias,
      rng.sample(users.slice(6), 3).map((u) => u.name),
    );
    rule(alias);
  }
  for (const r of rules)
    if (tier !== 'easy' && r.who !== `%${other.name}` && rng.next() < 0.5) r.file = `etc/sudoers.d/${rng.pick(['90-team', '50-ops', 'admins'])}`;
  const ownGroups = users.filter((u) => u.gid === u.uid).map((u) => ({ name: u.name, gid: u.gid, members: [] }));
  return { team, users: rng.shuffle(users), groups: [team, other, sudoGroup, ...extra, ...ownGroups], rules: rng.shuffle(rules), aliases };
}

const cap = (word: string) => word[0]!.toUpperCase() + word.slice(1);

function renderFiles(w: World): Record<string, string> {
  const passwd = [...SYSTEM, ...w.users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:/home/${u.name}:${u.shell}`)].join('\n') + '\n';
  const groupLines = [
    'root:x:0:',
    ...[...w.groups].sort((a, b) => a.gid - b.gid).map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}`),
    'nogroup:x:65534:',
  ];
  const files: Record<string, string> = { 'etc/passwd': passwd, 'etc/group': groupLines.join('\n') + '\n' };
  const byFile = new Map<string, string[]>([
    [
      'etc/sudoers',
      [
        '# This file MUST be edited with the visudo command as root.',
        'Defaults\tenv_reset',
        'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
        '',
        ...[...w.aliases].map(([name, members]) => `User_Alias ${name} = ${members.join(', ')}`),
        'root\tALL=(ALL:ALL) ALL',
        '%sudo\tALL=(ALL:ALL) ALL',
      ],
    ],
  ]);
  for (const r of w.rules) {
    const lines = byFile.get(r.file) ?? [`# ${r.file.split('/').pop()}: managed by the platform team`];
    lines.push(`${r.active ? '' : '# '}${r.who}\t${r.spec}`);
    byFile.set(r.file, lines);
  }
  byFile.get('etc/sudoers')!.push('', '@includedir /etc/sudoers.d');
  for (const [path, lines] of byFile) files[path] = lines.join('\n') + '\n';
  return files;
}

function generate(rng: Rng, _task: number, tier: Difficulty): TaskInstance {
  const world = drawUntil(rng, (r) => drawWorld(r, tier), telling);
  const files = renderFiles(world);
  const team = world.team;
  const answer = accounts(world);
  // An empty list (a near-miss may find nobody) is answered in words: the answer tool takes no empty text.
  const join = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  const sudoFiles = Object.keys(files).filter((p) => p.startsWith('etc/sudoers'));
  const passwdLines = files['etc/passwd']!.split('\n');
  const groupLine = files['etc/group']!.split('\n').find((l) => l.startsWith(`${team.name}:`))!;
  const ruleLines = sudoFiles
    .flatMap((p) => files[p]!.split('\n'))
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('Defaults') && !l.startsWith('@'));
  const lineOf = (name: string) => passwdLines.find((l) => l.startsWith(`${name}:`))!;
  const sources = [groupLine, ...answer.map(lineOf), ...ruleLines];
  const how = `the accounts of group ${team.name} (GID ${team.gid} in etc/passwd, or listed in etc/group) with a login shell and an active sudo rule for them, a group of theirs or an alias naming them, sorted`;
  const why = (looked: string) =>
    `${looked} ${team.name} has GID ${team.gid} and lists ${team.members.join(', ')}; with the accounts whose primary GID is ${team.gid}, those with a login shell and an uncommented sudo rule (their own, a %group of theirs, or an alias) are ${join(answer)}.`;
  const final = (looked: string): ExpertStep => answerStep(join(answer), sources, how, why(looked));
  const grepLooks: Look[] = [
    bashLook(
      `grep -n '^${team.name}:' etc/group`,
      [team.name, 'etc/group'],
      'the group the question names, looked up in the group file',
      `Find the group ${team.name}: its GID and listed members.`,
    ),
    bashLook(
      `awk -F: '$4 == ${team.gid} || $1 ~ /^(${team.members.join('|')})$/' etc/passwd`,
      [groupLine, 'etc/passwd'],
      'the GID and member list of the group line, matched against the passwd fields',
      `${team.name} is GID ${team.gid}: list the accounts with that primary GID and the listed members, with their shells.`,
    ),
    bashLook(
      `grep -rn -v -E '^[[:space:]]*(#|Defaults|$)' ${sudoFiles.join(' ')}`,
      sudoFiles,
      'the sudoers files listed, without comments, defaults and blank lines',
      'Show the active sudo rules: comments and Defaults lines grant nothing.',
    ),
    bashLook(`cat etc/group`, ['etc/group'], 'the group file, whole', 'Rules name groups (%group): show every group to see who is in them.'),
  ];
  const readLooks: Look[] = ['etc/passwd', 'etc/group', ...sudoFiles].map((path, i) => ({
    call: readFile(path),
    why: i === 0 ? 'Read etc/passwd: primary groups and shells.' : `Read ${path}.`,
  }));
  const relaxedAnswer = (c: Condition) => (_view: EpisodeView) =>
    answerStep(join(accounts(world, c)), sources, `${how}, the ${c} condition ignored`, `relaxed: the accounts without the ${c} condition`);
  const nearMiss = (name: string, names: string[]) => (_view: EpisodeView) => answerStep(join(names), sources, how, `near-miss ${name}`);
  const instance = findAnswerTask(
    {
      lead: "The workspace holds copies of a server's etc/passwd, etc/group and sudoers files (etc/sudoers, and etc/sudoers.d/ where it exists). Read them and",
      question: {
        text:
          `Which accounts are members of the group ${team.name} (as their primary group, the GID field of etc/passwd, or listed in etc/group), ` +
          'have a login shell (anything but /usr/sbin/nologin, /sbin/nologin and /bin/false) and may use sudo (an uncommented rule naming the account, ' +
          'a %group it belongs to, or a User_Alias listing it)? Answer with the user names, sorted alphabetically, separated by commas.',
        answer: join(answer),
        wrong: [join(accounts(world, undefined, { listedOnly: true })), join(accounts(world, 'shell'))],
      },
      files,
      strategies: {
        grep: looksThenAnswer(grepLooks, final('The group line, the accounts and the active rules are shown:')),
        read: looksThenAnswer(readLooks, final('Every file was read:')),
      },
      guesses: GUESSES,
      relaxed: Object.fromEntries(CONDITIONS.map((c) => [relaxStrategy(c), relaxedAnswer(c)])),
      explore: [{ name: 'list_files', arguments: { depth: 3 } }, readFile('etc/group'), grepLooks[2]!.call],
    },
    rng,
  );
  const noSpace = answer.join(',');
  const nearMisses: Record<string, (view: EpisodeView) => ExpertStep> = {
    [PRIMARY_ONLY_MISSED]: nearMiss(PRIMARY_ONLY_MISSED, accounts(world, undefined, { listedOnly: true })),
    [COMMENTED_RULES]: nearMiss(COMMENTED_RULES, accounts(world, undefined, { commented: true })),
  };
  const expert = instance.expert;
  return {
    ...instance,
    check: { kind: 'answer', accept: [join(answer), noSpace, answer.join(' ')] },
    expert: (view, strategy) => nearMisses[strategy]?.(view) ?? expert(view, strategy),
  };
}

/** code/it-user-audit: which accounts of a group can log in and use sudo, from passwd, group and sudoers files. */
export const itUserAudit: FamilyDef = {
  name: 'it-user-audit',
  job: 'it-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description: 'Audit copies of etc/passwd, etc/group and sudoers files: which members of a group have a login shell and sudo rights.',
  strategies: ['grep', 'read'],
  nearMisses: [EVERY_CANDIDATE, PRIMARY_ONLY_MISSED, COMMENTED_RULES],
  components: ANSWER_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: Object.keys(GUESSES),
  generate,
};
