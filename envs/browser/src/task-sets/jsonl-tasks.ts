// The browser's generic task format: JSON Lines, one task a line. A task is a static site (a
// folder of files), a start page, an instruction, and the hidden truth its verifier checks: the
// expected answer and/or the form submissions the site must receive. The site's server records
// every form submission; the verifier compares the recorded fields, never the page.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { TaskFamily } from '@workgym/protocol';
import { assertUniqueTaskNames, canonicalJson, readJsonLines, taskFamilyName, taskSetName, TaskSetError, taskVerifierVersion } from '@workgym/protocol/kit';
import type { SiteApp, SiteRequest, SiteResponse } from '../sites/site-app.js';
import { serveFile } from '../sites/static-files.js';
import { norm, verification, type TaskInstance, type VerifyInput } from '../tasks/task.js';
import type { TaskSetFamily } from './index.js';

/** One form submission a task expects: method, path and the fields it must carry. */
export interface ExpectedSubmission {
  method?: 'GET' | 'POST';
  path: string;
  fields: Record<string, string | string[]>;
}

/** One line of a browser task file. */
export interface BrowserTaskLine {
  id: string;
  site: string;
  start: string;
  instruction: string;
  answer?: string;
  submissions?: ExpectedSubmission[];
}

/** The format's JSON Schema, printed in docs/envs/browser.md. */
export const BROWSER_TASK_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'workgym browser task',
  type: 'object',
  required: ['id', 'site', 'start', 'instruction'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, description: 'Stable task id; the family is browser/<set>.<id> (characters outside A-Za-z0-9_- become -).' },
    site: { type: 'string', minLength: 1, description: 'Folder of the static site, relative to the .jsonl file.' },
    start: { type: 'string', description: 'The first page: a path in the site, e.g. "index.html" or "form/".' },
    instruction: { type: 'string', minLength: 1, description: 'What the agent is asked, with every value it must type.' },
    answer: { type: 'string', minLength: 1, description: 'Hidden: the expected answer (compared case- and space-insensitively).' },
    submissions: {
      type: 'array',
      minItems: 1,
      description: 'Hidden: the form submissions the site must receive.',
      items: {
        type: 'object',
        required: ['path', 'fields'],
        additionalProperties: false,
        properties: {
          method: { enum: ['GET', 'POST'], description: 'Default POST.' },
          path: { type: 'string', pattern: '^/', description: 'The path the form submits to, e.g. "/order".' },
          fields: {
            type: 'object',
            description: 'Field name to value (a list for a field sent several times, e.g. checkboxes; order ignored).',
            additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          },
        },
      },
    },
  },
  anyOf: [{ required: ['answer'] }, { required: ['submissions'] }],
} as const;

/** The host the task's site is served at. */
const HOST = 'site.test';

/** The tasks of a .jsonl file (or of a folder's tasks.jsonl), the set named after the file (or folder). */
export function jsonlTaskSet(file: string, loaderVersion: string, setName = basename(file, '.jsonl')): TaskSetFamily[] {
  const set = taskSetName(setName);
  const lines = readJsonLines<BrowserTaskLine>(file, BROWSER_TASK_SCHEMA);
  const tasks = lines.map((line) => ({ line, name: `browser/${taskFamilyName(set, line.id)}` }));
  assertUniqueTaskNames(
    set,
    tasks.map(({ line, name }) => ({ name, id: line.id })),
  );
  return tasks.map(({ line, name }) => {
    const site = resolve(dirname(file), line.site);
    if (!existsSync(site) || !statSync(site).isDirectory())
      throw new TaskSetError(`${basename(file)} task ${line.id}: site folder ${line.site} is not a folder next to the file`);
    const family: TaskFamily = {
      id: name,
      job: 'web-navigation',
      difficulty: 'medium',
      description: `${line.instruction.slice(0, 160)} (task ${line.id} of ${basename(file)})`,
      splits: ['train', 'test'],
      verifierVersion: taskVerifierVersion(loaderVersion, line),
    };
    // A fixed task: every seed is a repeat.
    return { family, instance: () => jsonlTask(line, site) };
  });
}

/** One form submission the site received. */
interface Submission {
  method: string;
  path: string;
  fields: URLSearchParams;
}

/** The task's static site; it records every form submission (a POST, or a GET with a query to a page). */
export class RecordingSite implements SiteApp {
  readonly host = HOST;
  readonly submissions: Submission[] = [];

  constructor(private readonly root: string) {}

  /** The submissions received (SiteApp.state): a form sent is the one change an agent makes here. */
  state(): Record<string, string> {
    return Object.fromEntries(this.submissions.map((s, i) => [`submissions/${i}`, canonicalJson({ method: s.method, path: s.path, fields: [...s.fields] })]));
  }

  async handle(req: SiteRequest): Promise<SiteResponse> {
    const page = !/\.[a-z0-9]+$/i.test(req.path) || /\.html?$/i.test(req.path);
    if (req.method === 'POST') this.submissions.push({ method: 'POST', path: req.path, fields: req.form });
    else if (page && [...req.query.keys()].length > 0) this.submissions.push({ method: 'GET', path: req.path, fields: req.query });
    const file = await serveFile(this.root, req.path);
    const missing = 'status' in file && file.status === 404;
    if (req.method === 'POST' && missing) return { html: '<!doctype html><title>Submitted</title><p>The form was submitted.</p>' };
    return file;
  }
}

function jsonlTask(line: BrowserTaskLine, root: string): TaskInstance {
  const site = new RecordingSite(root);
  const start = new URL(line.start, `http://${HOST}/`).href;
  return {
    instruction: line.instruction,
    sites: [site],
    startUrl: start,
    answers: line.answer !== undefined,
    verify: (input) => verifyTask(line, site.submissions, input),
  };
}

/**
 * Each expected submission was received, and no submission to an expected path carried other
 * values (one wrong field fails, and so does spraying guesses); the answer is the expected one.
 */
function verifyTask(line: BrowserTaskLine, received: readonly Submission[], input: VerifyInput) {
  const components: Record<string, number> = {};
  const expected = line.submissions ?? [];
  expected.forEach((want, i) => {
    components[`submission_${i + 1}`] = received.some((got) => matches(got, want)) ? 1 : 0;
  });
  if (expected.length > 0) {
    const stray = received.filter((got) => expected.some((want) => samePlace(got, want)) && !expected.some((want) => matches(got, want)));
    components.no_wrong_submission = stray.length === 0 ? 1 : 0;
  }
  if (line.answer !== undefined) components.answer = input.answer !== undefined && norm(input.answer) === norm(line.answer) ? 1 : 0;
  const shown = received.map((s) => `${s.method} ${s.path}?${s.fields.toString()}`).join('; ') || 'none';
  const verdict = verification(components, `submissions received: ${shown}; answer ${JSON.stringify(input.answer ?? null)}`);
  // A task set declares no components, so its own reward is the shaped one: partial credit only
  // once a submission or the answer was right (no_wrong_submission holds when nothing was sent).
  const earned = Object.entries(components).some(([name, value]) => name !== 'no_wrong_submission' && value === 1);
  const values = Object.values(components);
  return { ...verdict, reward: earned ? values.reduce((a, b) => a + b, 0) / values.length : 0 };
}

function samePlace(got: Submission, want: ExpectedSubmission): boolean {
  return got.method === (want.method ?? 'POST') && got.path === want.path;
}

function matches(got: Submission, want: ExpectedSubmission): boolean {
  if (!samePlace(got, want)) return false;
  return Object.entries(want.fields).every(([name, value]) => {
    const sent = got.fields
      .getAll(name)
      .map((v) => v.trim())
      .sort();
    const wanted = (Array.isArray(value) ? value : [value]).map((v) => v.trim()).sort();
    return sent.length === wanted.length && sent.every((v, i) => v === wanted[i]);
  });
}
