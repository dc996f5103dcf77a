import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { splitSeed, type TaskFamily } from '@workgym/protocol';
import { taskFamilyName } from '@workgym/protocol/kit';
import type { SiteApp, SiteRequest, SiteResponse } from '../sites/site-app.js';
import { serveFile } from '../sites/static-files.js';
import type { TaskInstance } from '../tasks/task.js';

// Loader for task suites in MiniWoB++'s layout: <dir>/html/{core,common,miniwob/*.html}. The pages
// run unmodified; the env seeds them with Math.seedrandom, turns the episode timer off and reads
// the reward from the WOB_* globals, the way MiniWoB++'s own Python harness does.

/** One task page of a suite: its file's name without .html, and its family. */
export interface MiniwobPage {
  page: string;
  family: TaskFamily;
}

/**
 * The suite's task pages as families browser/miniwob.<task>. A page's reward is computed by the
 * page itself and the suite's shared scripts, so its verifier version hashes those with the
 * loader's own (`loaderVersion`).
 */
export function miniwobFamilies(dir: string, loaderVersion: string): MiniwobPage[] {
  const pages = join(dir, 'html', 'miniwob');
  if (!existsSync(pages)) return [];
  const core = suiteScriptsHash(join(dir, 'html'));
  return readdirSync(pages)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => {
      const page = f.slice(0, -'.html'.length);
      return {
        page,
        family: {
          id: `browser/${taskFamilyName('miniwob', page)}`,
          job: 'web-navigation',
          difficulty: 'easy',
          description: `MiniWoB++ task ${f} from ${dir} (reward from the page).`,
          splits: ['train', 'test'],
          verifierVersion: createHash('sha256')
            .update(`${loaderVersion}\n${core}\n`)
            .update(readFileSync(join(pages, f)))
            .digest('hex')
            .slice(0, 16),
        },
      };
    });
}

/** The suite's shared scripts (core/ and common/: the reward code and the helpers pages use). */
function suiteScriptsHash(html: string): string {
  const hash = createHash('sha256');
  for (const folder of ['core', 'common']) {
    const dir = join(html, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
      if (extname(name) === '.js') hash.update(`${folder}/${name}\n`).update(readFileSync(join(dir, name)));
    }
  }
  return hash.digest('hex');
}

/** Serves the suite's html/ folder read-only at http://miniwob.test/. */
export class MiniwobSite implements SiteApp {
  readonly host = 'miniwob.test';

  constructor(private readonly root: string) {}

  handle(req: SiteRequest): Promise<SiteResponse> {
    return serveFile(this.root, req.path);
  }
}

interface WobState {
  done: boolean;
  reward: number;
  reason: string | null;
}

const KEY = "Symbol.for('workgym.miniwob')";

export function miniwobTask(dir: string, task: string, seed: number, split: string): TaskInstance {
  // An external suite: the page seeds its own Math.random from one number, not from an Rng, so it
  // gets the number the kit's rule starts from (instanceRng(split, seed) is new Rng(splitSeed(split,
  // seed))): train and test pages never meet.
  const pageSeed = splitSeed(split, seed);
  let state: WobState = { done: false, reward: 0, reason: null };
  const read = `(() => { const s = window[${KEY}]; const done = (s && s.done) || (typeof WOB_DONE_GLOBAL !== 'undefined' && WOB_DONE_GLOBAL === true);
    const raw = s && s.done ? s.reward : (typeof WOB_RAW_REWARD_GLOBAL !== 'undefined' ? WOB_RAW_REWARD_GLOBAL : 0);
    return { done: !!done, reward: Number(raw) || 0, reason: s && s.reason != null ? String(s.reason) : null }; })()`;
  const instance: TaskInstance = {
    instruction: '',
    sites: [new MiniwobSite(join(dir, 'html'))],
    startUrl: `http://miniwob.test/miniwob/${encodeURIComponent(task)}.html`,
    async prepare(page) {
      const started = await page.evaluate<string>(`((seed) => {
        if (typeof core === 'undefined') return 'no core.js on the page';
        // The timer would end the episode on wall-clock time; an agent's thinking time is not the task's.
        core.EPISODE_MAX_TIME = 2147483647;
        const end = core.endEpisode;
        core.endEpisode = function (reward, timeProportional, reason) {
          const out = end.apply(this, arguments);
          window[${KEY}] = { done: true, reward: typeof WOB_RAW_REWARD_GLOBAL !== 'undefined' ? WOB_RAW_REWARD_GLOBAL : reward, reason: reason ?? null };
          return out;
        };
        if (typeof Math.seedrandom === 'function') Math.seedrandom(seed);
        core.startEpisodeReal();
        const cover = document.getElementById('sync-task-cover');
        if (cover) cover.style.display = 'none';
        // The suite's reward panel ("Last reward ... Time left ... Episodes done"), click
        // visualiser and sync cover sit outside the task's #wrap: noise to an agent, and the
        // panel's countdown would change every observation.
        const style = document.createElement('style');
        style.textContent = '#reward-display, #click-canvas, #sync-task-cover { display: none !important; }';
        document.head.appendChild(style);
        return 'ok';
      })(${pageSeed})`);
      if (started !== 'ok') throw new Error(`MiniWoB++ task ${task}: ${started ?? 'the page did not answer'}`);
      // The task states its goal on the page (#query); that is the instruction.
      const query = await page.evaluate<string>(`(document.getElementById('query') || {}).innerText || ''`);
      instance.instruction = query?.trim() || `Solve the MiniWoB++ task ${task}.`;
    },
    async afterStep(page) {
      state = (await page.evaluate<WobState>(read)) ?? state;
      return state.done;
    },
    verify() {
      // MiniWoB++ rewards are -1..1; workgym's are 0..1, success is a positive reward. The raw
      // reward is kept for the suite's own metric (mean raw reward per task); an episode the page
      // never ended counts as MiniWoB's timeout, -1.
      const reward = Math.max(0, Math.min(1, state.reward));
      const raw = state.done ? Math.max(-1, Math.min(1, state.reward)) : -1;
      return {
        success: state.done && state.reward > 0 && reward === 1,
        reward: state.done ? reward : 0,
        components: { miniwob_reward: reward, miniwob_raw_reward: raw },
        detail: `MiniWoB++ ${task}: done=${state.done} raw reward ${state.reward}${state.reason ? ` (${state.reason})` : ''}`,
      };
    },
  };
  return instance;
}
