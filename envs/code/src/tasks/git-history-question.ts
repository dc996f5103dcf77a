import { relaxStrategy, type Rng } from '@workgym/protocol';
import { drawUntil, type ExpertStep } from '@workgym/protocol/kit';
import { bashLook, firstUnmade, type Look } from './expert/step.js';
import { shownStdout } from './expert/shell.js';
import type { EpisodeView } from './expert/view.js';
import { answerStep as answer, EVERY_CANDIDATE, findAnswerTask, looksThenAnswer } from './shapes/find-answer.js';
import { ANSWER_COMPONENTS, type Commit, type FamilyDef, type TaskInstance } from './task.js';

// Authors are drawn as first and last names (256 people), so no one name answers many seeds.
const FIRST_NAMES = ['Alice', 'Bilal', 'Chiara', 'Diego', 'Emma', 'Farah', 'Goran', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Luca', 'Mina', 'Nadia', 'Oskar', 'Priya'];
const LAST_NAMES = [
  'Moreau',
  'Khan',
  'Bianchi',
  'Ramos',
  'Lindqvist',
  'Haddad',
  'Petrov',
  'Sato',
  'Duarte',
  'Weber',
  'Adeyemi',
  'Ferri',
  'Park',
  'Rahman',
  'Nilsson',
  'Nair',
];
const SUBJECTS = [
  'Address review comments',
  'Small improvements',
  'Refactor startup code',
  'Misc fixes',
  'Tidy up settings',
  'Follow-up to the release',
  'Clean up',
  'Adjust defaults after load test',
  'Polish',
  'Prepare next release',
  'Apply feedback from ops',
  'Housekeeping',
];
const EXTRA_FILES = ['legacy_sync.py', 'old_cache.py', 'compat.py', 'scratch_notes.md'];

/** The question's condition: the value, commit or file it names (dropped: the newest change or deletion of any). */
const TARGET = 'target';

/** The constant attempt: the answer more seeds share than any other (measured over 300 seeds). */
const GUESSES: Record<string, string> = { 'answer-9100': '9100' };

function settings(timeout: number, pool: number): string {
  return `# Service settings.\nREQUEST_TIMEOUT_MS = ${timeout}\nPOOL_SIZE = ${pool}\nLOG_LEVEL = "info"\n`;
}

/** A drawn history: its commits, the tree they end with, and where the value changed and files were deleted. */
interface History {
  authors: string[];
  commits: Commit[];
  tree: Record<string, string>;
  /** Every change of REQUEST_TIMEOUT_MS, oldest first: the commit's index, the value before and after. */
  timeoutChanges: { index: number; before: number; after: number }[];
  /** The commits that change settings.py (any setting), oldest first. */
  settingsChanges: number[];
  /** The two deletions, oldest first: the file and the commit's index. */
  deletions: { file: string; index: number }[];
  /** The value the history ends with. */
  timeout: number;
}

function drawHistory(rng: Rng): History {
  const surnames = rng.sample(LAST_NAMES, 4);
  const authors = rng.sample(FIRST_NAMES, 4).map((first, i) => `${first} ${surnames[i]}`);
  // A ticket number in every subject: no subject is the answer to many seeds.
  const subjects = rng.sample(SUBJECTS, 10).map((subject) => `${subject} (#${rng.int(100, 999)})`);
  const doomed = rng.sample(EXTRA_FILES, 2);
  // Milliseconds in steps of 50 over a wide range: no one value answers many seeds.
  let timeout = rng.int(20, 200) * 50;
  let pool = rng.int(4, 16);
  let time = 1_700_000_000 + rng.int(0, 5_000_000);
  const h: History = { authors, commits: [], tree: {}, timeoutChanges: [], settingsChanges: [], deletions: [], timeout };
  const commit = (message: string, files: Record<string, string | null>) => {
    time += rng.int(3_600, 200_000);
    const author = rng.pick(authors);
    h.commits.push({ author, email: `${author.split(' ')[0]!.toLowerCase()}@example.com`, time, message, files });
    for (const [path, content] of Object.entries(files)) {
      if (content === null) delete h.tree[path];
      else h.tree[path] = content;
    }
  };
  commit('Initial import', {
    'settings.py': settings(timeout, pool),
    'app.py': 'from settings import REQUEST_TIMEOUT_MS, POOL_SIZE\n\n\ndef main():\n    print(REQUEST_TIMEOUT_MS, POOL_SIZE)\n',
    ...Object.fromEntries(doomed.map((file) => [file, '# superseded, to be removed\n'])),
    'README.md': '# service\n',
  });
  const steps = rng.shuffle(['timeout', 'timeout', 'timeout', 'pool', 'pool', 'docs', 'delete', 'delete', 'app']);
  steps.forEach((step, i) => {
    const subject = subjects[i]!;
    if (step === 'timeout') {
      const before = timeout;
      timeout += rng.int(1, 30) * 50;
      h.timeoutChanges.push({ index: h.commits.length, before, after: timeout });
      h.settingsChanges.push(h.commits.length);
      commit(subject, { 'settings.py': settings(timeout, pool) });
    } else if (step === 'pool') {
      pool += rng.int(1, 8);
      h.settingsChanges.push(h.commits.length);
      commit(subject, { 'settings.py': settings(timeout, pool) });
    } else if (step === 'docs') {
      commit(subject, { 'README.md': `# service\n\nRequests time out after REQUEST_TIMEOUT_MS milliseconds (see settings.py).\n` });
    } else if (step === 'delete') {
      const file = doomed[h.deletions.length]!;
      h.deletions.push({ file, index: h.commits.length });
      commit(subject, { [file]: null });
    } else {
      commit(subject, {
        'app.py': 'from settings import REQUEST_TIMEOUT_MS, POOL_SIZE\n\n\ndef main():\n    print(f"timeout_ms={REQUEST_TIMEOUT_MS} pool={POOL_SIZE}")\n',
      });
    }
  });
  h.timeout = timeout;
  return h;
}

/**
 * Whether dropping the question's target changes its answer: for "who last changed the value",
 * the newest change of settings.py is a POOL_SIZE change by another author. The other kinds
 * ask about an older change or deletion than the newest, which always differs.
 */
function targetMatters(h: History, kind: number): boolean {
  if (kind !== 0) return true;
  const newest = h.settingsChanges[h.settingsChanges.length - 1]!;
  const last = h.timeoutChanges[h.timeoutChanges.length - 1]!;
  return newest !== last.index && h.commits[newest]!.author !== h.commits[last.index]!.author;
}

function generate(rng: Rng): TaskInstance {
  const kind = rng.int(0, 2);
  const h = drawUntil(rng, drawHistory, (drawn) => targetMatters(drawn, kind));
  const { authors, commits, timeoutChanges, deletions } = h;
  const last = timeoutChanges[timeoutChanges.length - 1]!;
  // Never the newest change: the one a reader who skips the named commit would take.
  const middle = rng.pick(timeoutChanges.slice(0, -1));
  const [deleted, newestDeletion] = deletions as [History['deletions'][number], History['deletions'][number]];
  const question =
    kind === 0
      ? {
          text: 'Who (author name) made the most recent change to the value of REQUEST_TIMEOUT_MS?',
          answer: commits[last.index]!.author,
          wrong: authors.filter((a) => a !== commits[last.index]!.author).slice(0, 2),
        }
      : kind === 1
        ? {
            text: `What was the value of REQUEST_TIMEOUT_MS just before the commit "${commits[middle.index]!.message}" changed it? Answer with the number.`,
            answer: String(middle.before),
            wrong: [String(middle.after), String(h.timeout)],
          }
        : {
            text: `Which commit deleted the file ${deleted.file}? Answer with the commit's subject line.`,
            answer: commits[deleted.index]!.message,
            wrong: [commits[newestDeletion.index]!.message, commits[0]!.message],
          };
  // The target dropped: the newest change of settings.py, the newest change of the value, the newest deletion.
  const relaxed =
    kind === 0 ? commits[h.settingsChanges[h.settingsChanges.length - 1]!]!.author : kind === 1 ? String(last.before) : commits[newestDeletion.index]!.message;
  const strategies =
    kind === 0
      ? lastChanger(commits[last.index]!)
      : kind === 1
        ? valueBefore(commits[middle.index]!.message, middle.before)
        : deletion(deleted.file, commits[deleted.index]!.message);
  return findAnswerTask(
    {
      lead: 'The workspace is a git repository. Using its history,',
      question,
      files: h.tree,
      git: commits,
      strategies,
      guesses: GUESSES,
      relaxed: {
        [relaxStrategy(TARGET)]: () => ({
          call: { name: 'answer', arguments: { text: relaxed } },
          text: `relax:${TARGET}: the newest change of its kind, whatever the question names`,
        }),
      },
      explore: [
        { name: 'bash', arguments: { command: 'git log --oneline' } },
        { name: 'bash', arguments: { command: kind === 2 ? `git log --oneline --diff-filter=D -- ${deleted.file}` : PATCHES } },
      ],
    },
    rng,
  );
}

const PATCHES = 'git log --format="%h %an: %s" -p -- settings.py';

type Strategies = Record<'read-patches' | 'filter-log', (view: EpisodeView) => ExpertStep>;

const patches: Look = bashLook(
  PATCHES,
  ['git', 'settings.py'],
  'the history of the file that holds REQUEST_TIMEOUT_MS, with each change',
  'REQUEST_TIMEOUT_MS is set in settings.py: show every commit of that file with its changes.',
);

/** Who made the newest change to REQUEST_TIMEOUT_MS. */
function lastChanger(commit: Commit): Strategies {
  const header = `${commit.author}: ${commit.message}`;
  const why = (how: string) => `${how} ${commit.author} made it ("${commit.message}").`;
  const filtered = bashLook(
    'git log -G "^REQUEST_TIMEOUT_MS" --format="%h %an: %s" -- settings.py',
    ['git', 'REQUEST_TIMEOUT_MS', 'settings.py'],
    'the commits of settings.py whose changes touch a REQUEST_TIMEOUT_MS line',
    'List only the commits of settings.py that change a REQUEST_TIMEOUT_MS line, newest first.',
  );
  return {
    'read-patches': looksThenAnswer(
      [patches],
      answer(
        commit.author,
        [header, '+REQUEST_TIMEOUT_MS ='],
        'the author of the newest commit whose patch changes REQUEST_TIMEOUT_MS',
        why('The newest commit whose patch changes the REQUEST_TIMEOUT_MS line is the first one with +REQUEST_TIMEOUT_MS:'),
      ),
    ),
    'filter-log': looksThenAnswer(
      [filtered],
      answer(
        commit.author,
        [header],
        'the author of the first (newest) commit listed',
        why('The first commit listed is the newest that changed REQUEST_TIMEOUT_MS:'),
      ),
    ),
  };
}

/** The value REQUEST_TIMEOUT_MS had just before the named commit changed it. */
function valueBefore(subject: string, before: number): Strategies {
  const removed = `-REQUEST_TIMEOUT_MS = ${before}`;
  const why = `The commit "${subject}" replaces the line ${removed.slice(1)} (shown with a minus), so the value before it was ${before}.`;
  const log = bashLook(
    'git log --format="%h %s" -- settings.py',
    ['git', 'settings.py'],
    'the commits of the file that holds REQUEST_TIMEOUT_MS',
    `List the commits of settings.py to find "${subject}".`,
  );
  return {
    'read-patches': looksThenAnswer([patches], answer(String(before), [subject, removed], 'the removed REQUEST_TIMEOUT_MS line of that commit', why)),
    'filter-log': (view) => {
      const listed = firstUnmade([log], view);
      if (listed) return listed;
      const hash = hashOf(shownStdout(view.output(log.call)), subject);
      const show = bashLook(
        `git show ${hash} -- settings.py`,
        [hash, subject],
        'the hash the log shows for the commit the question names',
        `"${subject}" is commit ${hash}: show its change to settings.py.`,
      );
      return firstUnmade([show], view) ?? answer(String(before), [removed], 'the removed REQUEST_TIMEOUT_MS line of that commit', why);
    },
  };
}

/** Which commit deleted a file. */
function deletion(file: string, subject: string): Strategies {
  const filtered = bashLook(
    `git log --oneline --diff-filter=D -- ${file}`,
    ['git', file],
    'the commits that deleted the file the question names',
    `List the commits that deleted ${file}.`,
  );
  const scan = bashLook(
    'git log --format="%h %s" --name-status',
    ['git'],
    'every commit with the files it added, modified or deleted',
    `List every commit with the files it changed, to see where ${file} was deleted (D).`,
  );
  const why = `The commit "${subject}" deleted ${file}.`;
  return {
    'read-patches': looksThenAnswer([scan], answer(subject, [subject, `D ${file}`], 'the subject of the commit listing the file with D', why)),
    'filter-log': looksThenAnswer([filtered], answer(subject, [subject], 'the subject of the one commit listed', why)),
  };
}

/** The abbreviated hash of the commit with this subject in `%h %s` log output. */
function hashOf(stdout: string | undefined, subject: string): string {
  const line = (stdout ?? '').split('\n').find((l) => l.slice(l.indexOf(' ') + 1) === subject);
  return line ? line.slice(0, line.indexOf(' ')) : 'HEAD';
}

/** code/git-history-question: answer a question that only the git history can answer. */
export const gitHistoryQuestion: FamilyDef = {
  name: 'git-history-question',
  difficulty: 'hard',
  description: "Answer a question about a repository's git history (who changed a value, what it was before, which commit deleted a file).",
  strategies: ['read-patches', 'filter-log'],
  nearMisses: [EVERY_CANDIDATE],
  components: ANSWER_COMPONENTS,
  collateral: true,
  conditions: [TARGET],
  guesses: Object.keys(GUESSES),
  generate,
};
