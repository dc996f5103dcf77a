// How experts find a rule in the company handbook: by its search (the `search` strategy) or by
// browsing its sections (`browse`), from the desk's menu link to the article's page.
import type { ExpertStep } from '@workgym/protocol/kit';
import type { Article } from '../sites/kb.js';
import { act, click, findNode, followLink, type ExpertView } from './expert-kit.js';

/** The experts' two ways to an article: search the handbook, or browse its index. */
export const KB_STRATEGIES = ['search', 'browse'] as const;

/** Whether the episode has shown the article's page. */
export function readArticle(view: ExpertView, article: Article): boolean {
  return view.seen.some((p) => p.url.startsWith('http://kb.test/articles/') && p.snapshot.title === article.title);
}

/**
 * The next step toward the article's page (`query` is what the search strategy types, words
 * that `why` says the task is about); undefined once the episode has shown it.
 */
export function openArticle(view: ExpertView, article: Article, query: string, why: string): ExpertStep | undefined {
  if (readArticle(view, article)) return undefined;
  const { snapshot } = view;
  if (view.url.host !== 'kb.test') {
    return followLink(view, 'Company handbook', `${why}: the company handbook holds the policies, and the menu links it.`) ?? fail('no handbook link');
  }
  const listed = findNode(snapshot, 'link', article.title);
  const byBrowse = view.strategy === 'browse';
  if (listed && snapshot.title === (byBrowse ? 'Company handbook' : 'Search results')) {
    return act(click(listed), `"${article.title}" is the handbook's article on this: open it.`);
  }
  if (byBrowse) {
    return followLink(view, 'All articles', 'The handbook index lists every article by section: open it.') ?? fail('no index link');
  }
  const search = findNode(snapshot, 'searchbox', 'Search the handbook');
  if (!search) return fail('no handbook search');
  if (search.value !== query) return act({ name: 'fill', arguments: { id: search.id, text: query } }, `${why}: search the handbook for "${query}".`);
  return act(click(findNode(snapshot, 'button', 'Search') ?? fail('no search button')), `Run the search for "${query}".`);
}

function fail(what: string): never {
  throw new Error(`expert: ${what} on the page`);
}
