import { esc, field, page } from './html.js';
import { notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

/** One handbook article: a policy, a procedure or an unrelated page, in paragraphs. */
export interface Article {
  id: number;
  title: string;
  /** The handbook section it is listed under ("Refunds and returns"). */
  section: string;
  paragraphs: string[];
}

export interface KbData {
  /** In the order the handbook lists them (drawn per seed). */
  articles: Article[];
}

const NAV: [string, string][] = [['/', 'All articles']];

/**
 * The company handbook: policies and procedures as articles, browsable by section and
 * searchable. Read-only for an agent: its snapshot (`state`) is there so that no episode can
 * change it unseen.
 */
export class KbSite implements SiteApp {
  readonly host = 'kb.test';

  constructor(readonly data: KbData) {}

  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse {
    let m: Record<string, string> | undefined;
    if (req.path === '/') return this.index();
    if (req.path === '/search') return this.search(req.query.get('q') ?? '');
    if ((m = route(req.path, '/articles/:id'))) return this.article(Number(m.id));
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'Company handbook', NAV, `${searchForm('')}${body}`) };
  }

  private index(): SiteResponse {
    const sections = [...new Set(this.data.articles.map((a) => a.section))];
    const body = sections
      .map(
        (s) =>
          `<h2>${esc(s)}</h2><ul>${this.data.articles
            .filter((a) => a.section === s)
            .map(link)
            .join('')}</ul>`,
      )
      .join('');
    return this.render('Company handbook', body);
  }

  private search(q: string): SiteResponse {
    const hits = searchArticles(this.data.articles, q);
    const body = hits.length ? `<ul>${hits.map(link).join('')}</ul>` : '<p>No article matches.</p>';
    return { html: page('Search results', 'Company handbook', NAV, `${searchForm(q)}<p>${hits.length} articles match "${esc(q)}".</p>${body}`) };
  }

  private article(id: number): SiteResponse {
    const a = this.data.articles.find((x) => x.id === id);
    if (!a) return notFound();
    return this.render(a.title, `<p>Section: ${esc(a.section)}</p><article>${a.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}</article>`);
  }
}

/** The articles whose title, section or text holds every word of `q` (any case), in handbook order. */
export function searchArticles(articles: readonly Article[], q: string): Article[] {
  const words = q.toLowerCase().split(/\W+/).filter(Boolean);
  if (!words.length) return [];
  return articles.filter((a) => {
    const text = `${a.title} ${a.section} ${a.paragraphs.join(' ')}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

function searchForm(q: string): string {
  return `<form method="get" action="/search" role="search">${field('q', 'Search the handbook', q, 'search')} <button type="submit">Search</button></form>`;
}

function link(a: Article): string {
  return `<li><a href="/articles/${a.id}">${esc(a.title)}</a></li>`;
}
