import type { Rng } from '@workgym/protocol';
import type { ExpertStep } from '@workgym/protocol/kit';
import { bashLook, firstUnmade, type Look } from './expert/step.js';
import { shownStdout } from './expert/shell.js';
import type { EpisodeView } from './expert/view.js';
import { answerStep as answer, EVERY_CANDIDATE, findAnswerTask, looksThenAnswer } from './shapes/find-answer.js';
import type { Commit, FamilyDef, TaskInstance } from './task.js';

const AUTHORS = ['Alice Moreau', 'Bilal Khan', 'Chiara Bianchi', 'Diego Ramos', 'Emma Lindqvist', 'Farah Haddad', 'Goran Petrov'];
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

function settings(retries: number, pool: number): string {
  return `# Service settings.\nMAX_RETRIES = ${retries}\nPOOL_SIZE = ${pool}\nLOG_LEVEL = "info"\n`;
}

function generate(rng: Rng): TaskInstance {
  const authors = rng.sample(AUTHORS, 4);
  const subjects = rng.sample(SUBJECTS, 9);
  const doomed = rng.pick(EXTRA_FILES);
  let retries = rng.int(1, 4);
  let pool = rng.int(4, 16);
  let time = 1_700_000_000 + rng.int(0, 5_000_000);
  const commits: Commit[] = [];
  const tree: Record<string, string> = {};
  const commit = (message: string, files: Record<string, string | null>) => {
    time += rng.int(3_600, 200_000);
    const author = rng.pick(authors);
    commits.push({ author, email: `${author.split(' ')[0]!.toLowerCase()}@example.com`, time, message, files });
    for (const [path, content] of Object.entries(files)) {
      if (content === null) delete tree[path];
      else tree[path] = content;
    }
  };
  commit('Initial import', {
    'settings.py': settings(retries, pool),
    'app.py': 'from settings import MAX_RETRIES, POOL_SIZE\n\n\ndef main():\n    print(MAX_RETRIES, POOL_SIZE)\n',
    [doomed]: '# superseded, to be removed\n',
    'README.md': '# service\n',
  });
  // [commit index, value before, value after] for every change of MAX_RETRIES.
  const retryChanges: { index: number; before: number; after: number }[] = [];
  let deletedAt = -1;
  const steps = rng.shuffle(['retries', 'retries', 'retries', 'pool', 'pool', 'docs', 'delete', 'app']);
  steps.forEach((step, i) => {
    const subject = subjects[i]!;
    if (step === 'retries') {
      const before = retries;
      retries += rng.int(1, 3);
      retryChanges.push({ index: commits.length, before, after: retries });
      commit(subject, { 'settings.py': settings(retries, pool) });
    } else if (step === 'pool') {
      pool += rng.int(1, 8);
      commit(subject, { 'settings.py': settings(retries, pool) });
    } else if (step === 'docs') {
      commit(subject, { 'README.md': `# service\n\nRetries up to MAX_RETRIES times (see settings.py).\n` });
    } else if (step === 'delete') {
      deletedAt = commits.length;
      commit(subject, { [doomed]: null });
    } else {
      commit(subject, { 'app.py': 'from settings import MAX_RETRIES, POOL_SIZE\n\n\ndef main():\n    print(f"retries={MAX_RETRIES} pool={POOL_SIZE}")\n' });
    }
  });
  const last = retryChanges[retryChanges.length - 1]!;
  const middle = rng.pick(retryChanges);
  const kind = rng.int(0, 2);
  const question =
    kind === 0
      ? {
          text: 'Who (author name) made the most recent change to the value of MAX_RETRIES?',
          answer: commits[last.index]!.author,
          wrong: authors.filter((a) => a !== commits[last.index]!.author).slice(0, 2),
        }
      : kind === 1
        ? {
            text: `What was the value of MAX_RETRIES just before the commit "${commits[middle.index]!.message}" changed it? Answer with the number.`,
            answer: String(middle.before),
            wrong: [String(middle.after), String(retries)],
          }
        : {
            text: `Which commit deleted the file ${doomed}? Answer with the commit's subject line.`,
            answer: commits[deletedAt]!.message,
            wrong: [commits[deletedAt - 1]!.message, commits[0]!.message],
          };
  const strategies =
    kind === 0
      ? lastChanger(commits[last.index]!)
      : kind === 1
        ? valueBefore(commits[middle.index]!.message, middle.before)
        : deletion(doomed, commits[deletedAt]!.message);
  return findAnswerTask(
    {
      lead: 'The workspace is a git repository. Using its history,',
      question,
      files: tree,
      git: commits,
      strategies,
      explore: [
        { name: 'bash', arguments: { command: 'git log --oneline' } },
        { name: 'bash', arguments: { command: kind === 2 ? `git log --oneline --diff-filter=D -- ${doomed}` : PATCHES } },
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
  'the history of the file that holds MAX_RETRIES, with each change',
  'MAX_RETRIES is set in settings.py: show every commit of that file with its changes.',
);

/** Who made the newest change to MAX_RETRIES. */
function lastChanger(commit: Commit): Strategies {
  const header = `${commit.author}: ${commit.message}`;
  const why = (how: string) => `${how} ${commit.author} made it ("${commit.message}").`;
  const filtered = bashLook(
    'git log -G "^MAX_RETRIES" --format="%h %an: %s" -- settings.py',
    ['git', 'MAX_RETRIES', 'settings.py'],
    'the commits of settings.py whose changes touch a MAX_RETRIES line',
    'List only the commits of settings.py that change a MAX_RETRIES line, newest first.',
  );
  return {
    'read-patches': looksThenAnswer(
      [patches],
      answer(
        commit.author,
        [header, '+MAX_RETRIES ='],
        'the author of the newest commit whose patch changes MAX_RETRIES',
        why('The newest commit whose patch changes the MAX_RETRIES line is the first one with +MAX_RETRIES:'),
      ),
    ),
    'filter-log': looksThenAnswer(
      [filtered],
      answer(commit.author, [header], 'the author of the first (newest) commit listed', why('The first commit listed is the newest that changed MAX_RETRIES:')),
    ),
  };
}

/** The value MAX_RETRIES had just before the named commit changed it. */
function valueBefore(subject: string, before: number): Strategies {
  const removed = `-MAX_RETRIES = ${before}`;
  const why = `The commit "${subject}" replaces the line ${removed.slice(1)} (shown with a minus), so the value before it was ${before}.`;
  const log = bashLook(
    'git log --format="%h %s" -- settings.py',
    ['git', 'settings.py'],
    'the commits of the file that holds MAX_RETRIES',
    `List the commits of settings.py to find "${subject}".`,
  );
  return {
    'read-patches': looksThenAnswer([patches], answer(String(before), [subject, removed], 'the removed MAX_RETRIES line of that commit', why)),
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
      return firstUnmade([show], view) ?? answer(String(before), [removed], 'the removed MAX_RETRIES line of that commit', why);
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
  generate,
};
