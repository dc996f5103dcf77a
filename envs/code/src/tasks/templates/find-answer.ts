// Answer a question about the workspace's files with the answer tool; distractors make it a search.
import type { Rng } from '@workgym/protocol';
import { bashLook, readFile } from '../expert/step.js';
import { answerStep, EVERY_CANDIDATE, findAnswerTask, looksThenAnswer } from '../shapes/find-answer.js';
import { ANSWER_COMPONENTS, type FamilyDef, type TaskInstance } from '../task.js';

// CHANGE: the constant attempts: name -> the answer a policy would give whatever the task (the
// answer most seeds share, a fallback shown in every workspace); each may be right on at most 5% of seeds.
const GUESSES: Record<string, string> = { 'answer-8000': '8000' };

function generate(rng: Rng): TaskInstance {
  // CHANGE: the workspace: the fact asked about, and distractors that look like it.
  const port = rng.int(3000, 6999);
  const old = port + rng.int(1, 500);
  const settings = 'config/server.ini';
  const files = {
    [settings]: `[server]\nhost = 0.0.0.0\nport = ${port}\n`,
    'app.py': 'DEFAULT_PORT = 8000  # used when the settings name no port\n',
    'docs/migration.md': `Until the migration the service listened on port ${old}.\n`,
  };
  // CHANGE: the question, its answer and plausible wrong ones (candidates, and the near-miss's answer).
  const question = { text: 'Which port does the service listen on? Answer with the number.', answer: String(port), wrong: [String(old), '8000'] };
  // CHANGE: the expert's answer: the shown lines it comes from, how, and why.
  const answer = answerStep(
    question.answer,
    [`port = ${port}`],
    'the port line of the settings file',
    `${settings} sets port = ${port}; 8000 is only a fallback and ${old} the port before the migration.`,
  );
  // CHANGE: each strategy's searches or reads (words from the question, paths from the listing).
  const grep = bashLook('grep -rn "port" .', ['port'], 'search every file for the word of the question', 'Search the files for "port".');
  const read = { call: readFile(settings), why: `The listing shows the settings file ${settings}: read it.` };
  return findAnswerTask(
    {
      lead: 'Explore the service in the workspace and',
      question,
      files,
      strategies: { grep: looksThenAnswer([grep], answer), read: looksThenAnswer([read], answer) },
      explore: [{ name: 'list_files', arguments: { depth: 3 } }, grep.call, read.call],
      guesses: GUESSES,
    },
    rng,
  );
}

// CHANGE: the description and the strategy names (the keys of `strategies` above).
export const templateFamily: FamilyDef = {
  name: 'template-find-answer',
  difficulty: 'easy',
  description: 'Find the port a small service listens on, among a fallback and an old port.',
  strategies: ['grep', 'read'],
  nearMisses: [EVERY_CANDIDATE],
  components: ANSWER_COMPONENTS,
  collateral: true,
  guesses: Object.keys(GUESSES),
  generate,
};
