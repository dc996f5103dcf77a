import { TestEpisodesError } from '../errors.js';

/**
 * Written into every exported record of a test-split episode (when `includeTest` lets them
 * through), so a training corpus that took in evaluation data can be found later with
 * `grep -r workgym-test-canary-…`. Fixed for good: changing it would hide old leaks.
 */
export const TEST_CANARY = 'workgym-test-canary-6f1c2b9e-4d7a-4e83-a5b0-93c8d1e7f2a4';

/** Episodes of the test split are kept for evaluation; nothing should learn from them. */
export function isTestEpisode(episode: { split?: string | null }): boolean {
  return episode.split === 'test';
}

/**
 * What every command that turns stored episodes into training data checks first: test-split
 * episodes are refused (before anything is written) unless the caller asked for them.
 */
export function refuseTestEpisodes(episodes: readonly { split?: string | null }[], includeTest: boolean | undefined): void {
  if (includeTest) return;
  const n = episodes.filter(isTestEpisode).length;
  if (n === 0) return;
  throw new TestEpisodesError(
    `${n} selected episode${n === 1 ? ' is' : 's are'} from the test split, kept for evaluation: refused; ` +
      `--include-test uses them anyway, each exported test record marked with ${TEST_CANARY}`,
  );
}
