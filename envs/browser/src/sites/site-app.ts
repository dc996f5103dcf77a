import type { People } from '@workgym/protocol/kit';

/** One request to a site, already parsed (the env's proxy routes it by host). */
export interface SiteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The urlencoded body of a POST. */
  form: URLSearchParams;
  /** The request's Cookie header ('' without one): an app with a login session reads it. */
  cookie?: string;
}

/** A page (which may set a cookie: a login session's), a redirect (forms POST and redirect), or any other body (a script, an image). */
export type SiteResponse =
  { status?: number; html: string; setCookie?: string } | { redirect: string } | { status?: number; body: Buffer | string; contentType: string };

/**
 * A web app with server-side state; verifiers read that state directly, never the DOM. A task
 * builds a fresh one per episode from its generated data (`new AdminSite(users)`) and lists it in
 * `TaskInstance.sites`; the apps in src/sites/ are AdminSite, BookingSite, CalendarSite,
 * ContactsSite, ExpensesSite, HelpDeskSite, KbSite (the company handbook), ShopSite, TravelSite
 * and WebmailSite. A new app renders its pages with the helpers of html.ts.
 */
export interface SiteApp {
  /** The host it answers for, e.g. "shop.test"; pages are at `http://<host>/...`. */
  readonly host: string;
  /** Answers one request; it may change the app's state (a POST), which is what verifiers read. */
  handle(request: SiteRequest): SiteResponse | Promise<SiteResponse>;
  /**
   * Everything a request can change, as entries keyed by a stable path (`orders/4412`) with
   * canonical strings (`recordsState` of state.ts); the session prefixes the app's name. Absent
   * on an app that serves only fixed files.
   */
  state?(): Record<string, string>;
  /**
   * Changes the entry `key` of `state()` server-side, as a request could (`touchRecords` of
   * state.ts): the conformance check's one change a task does not expect (`Session.touch`).
   */
  touch?(key: string): void;
  /**
   * The task's people, for an app that is one of their channels (the desk's ticket thread): the
   * session hands them over before the first request, and the app delivers what the agent says
   * there with `people.send`, showing the replies where the agent reads them. A person who could
   * not be played (`send` threw) goes to `fault`: the session fails the step with it.
   */
  meet?(people: People, fault: (error: Error) => void): void;
}

/** Text of a POSTed field, trimmed. */
export function formText(request: SiteRequest, name: string): string {
  return (request.form.get(name) ?? '').trim();
}

/** The 404 page, for any path the app does not route. */
export function notFound(): SiteResponse {
  return { status: 404, html: '<!doctype html><title>Not found</title><h1>Not found</h1><p>There is no such page.</p>' };
}

/** Matches "/orders/12/update" against "/orders/:id/update"; returns the params or undefined. */
export function route(path: string, pattern: string): Record<string, string> | undefined {
  const a = path.split('/').filter(Boolean);
  const b = pattern.split('/').filter(Boolean);
  if (a.length !== b.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < b.length; i++) {
    if (b[i]!.startsWith(':')) params[b[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (a[i] !== b[i]) return undefined;
  }
  return params;
}
