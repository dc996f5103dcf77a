import type { Rng } from '@workgym/protocol';
import type { Commit, FamilyDef, PlannedCall, TaskInstance } from './task.js';

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
      ? { text: 'Who (author name) made the most recent change to the value of MAX_RETRIES?', answer: commits[last.index]!.author, wrong: authors.filter((a) => a !== commits[last.index]!.author).slice(0, 2) }
      : kind === 1
        ? { text: `What was the value of MAX_RETRIES just before the commit "${commits[middle.index]!.message}" changed it? Answer with the number.`, answer: String(middle.before), wrong: [String(middle.after), String(retries)] }
        : { text: `Which commit deleted the file ${doomed}? Answer with the commit's subject line.`, answer: commits[deletedAt]!.message, wrong: [commits[deletedAt - 1]!.message, commits[0]!.message] };
  const explore: PlannedCall[] = [
    { name: 'bash', arguments: { command: kind === 2 ? `git log --oneline --diff-filter=D -- ${doomed}` : 'git log --format="%h %an: %s" -p -- settings.py' } },
  ];
  const candidates: PlannedCall[] = [
    { name: 'bash', arguments: { command: 'git log --oneline' } },
    ...explore,
    ...rng.shuffle([question.answer, ...question.wrong]).map((text) => ({ name: 'answer', arguments: { text } })),
  ];
  return {
    instruction: `The workspace is a git repository. Using its history, answer: ${question.text} Give your final answer with the answer tool (it ends the episode).`,
    files: tree,
    git: commits,
    check: { kind: 'answer', accept: [question.answer] },
    expert: { explore, answer: question.answer },
    candidates,
  };
}

/** code/git-history-question: answer a question that only the git history can answer. */
export const gitHistoryQuestion: FamilyDef = {
  name: 'git-history-question',
  difficulty: 'hard',
  description: 'Answer a question about a repository\'s git history (who changed a value, what it was before, which commit deleted a file).',
  candidates: true,
  generate,
};
