import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface User {
  id: number;
  name: string;
  email: string;
  role: 'viewer' | 'editor' | 'admin';
  plan: 'free' | 'pro' | 'enterprise';
  country: string;
  active: boolean;
}

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export const PLANS = ['free', 'pro', 'enterprise'] as const;
const PAGE_SIZE = 15;
const NAV: [string, string][] = [['/users', 'Users']];

/** A back-office admin: a paginated, searchable, filterable user table and an edit form. */
export class AdminSite implements SiteApp {
  readonly host = 'admin.test';

  constructor(readonly users: User[]) {}

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState({ users: this.users });
  }

  touch(key: string): void {
    touchRecords({ users: this.users }, key);
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return { redirect: '/users' };
    if (p === '/users') return this.list(req.query);
    if ((m = route(p, '/users/:id/edit')) && req.method === 'GET') return this.edit(Number(m.id), []);
    if ((m = route(p, '/users/:id/edit')) && req.method === 'POST') return this.save(Number(m.id), req);
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'Admin Console', NAV, body) };
  }

  private list(q: URLSearchParams): SiteResponse {
    const text = (q.get('q') ?? '').toLowerCase();
    const plan = q.get('plan') ?? '';
    const country = q.get('country') ?? '';
    const status = q.get('status') ?? '';
    const hits = this.users.filter(
      (u) =>
        (!text || `${u.name} ${u.email}`.toLowerCase().includes(text)) &&
        (!plan || u.plan === plan) &&
        (!country || u.country === country) &&
        (!status || (status === 'active') === u.active),
    );
    const pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
    const at = Math.min(pages, Math.max(1, Number(q.get('page')) || 1));
    const rows = hits
      .slice((at - 1) * PAGE_SIZE, at * PAGE_SIZE)
      .map((u) => [
        esc(u.name),
        esc(u.email),
        esc(u.role),
        esc(u.plan),
        esc(u.country),
        u.active ? 'active' : 'inactive',
        `<a href="/users/${u.id}/edit" aria-label="Edit ${esc(u.email)}">Edit</a>`,
      ]);
    const countries = [...new Set(this.users.map((u) => u.country))].sort();
    const link = (n: number) => {
      const next = new URLSearchParams(q);
      next.set('page', String(n));
      return `/users?${next}`;
    };
    const pager = `<nav aria-label="Pages">${at > 1 ? `<a href="${esc(link(at - 1))}">Previous page</a> ` : ''}Page ${at} of ${pages}${at < pages ? ` <a href="${esc(link(at + 1))}">Next page</a>` : ''}</nav>`;
    return this.render(
      'Users',
      `<form method="get" action="/users" role="search">${field('q', 'Search name or email', q.get('q') ?? '', 'search')}
${selectField('plan', 'Plan', [['', 'Any plan'], ...PLANS.map((x): [string, string] => [x, x])], plan)}
${selectField('country', 'Country', [['', 'Any country'], ...countries.map((x): [string, string] => [x, x])], country)}
${selectField(
  'status',
  'Status',
  [
    ['', 'Any status'],
    ['active', 'active'],
    ['inactive', 'inactive'],
  ],
  status,
)}
<p><button type="submit">Apply filters</button></p></form><p>${hits.length} users match</p>
${table(['Name', 'Email', 'Role', 'Plan', 'Country', 'Status', ''], rows)}${pager}`,
    );
  }

  private edit(id: number, errs: string[], draft?: User): SiteResponse {
    const u = draft ?? this.users.find((x) => x.id === id);
    if (!u) return notFound();
    return this.render(
      `Edit ${u.name}`,
      `${errors(errs)}<form method="post" action="/users/${id}/edit">${field('name', 'Name', u.name)}${field('email', 'Email', u.email)}
${selectField('role', 'Role', ROLES, u.role)}${selectField('plan', 'Plan', PLANS, u.plan)}
<label><input type="checkbox" name="active" value="yes"${u.active ? ' checked' : ''}> Active</label>
<p><button type="submit">Save user</button></p></form>`,
    );
  }

  private save(id: number, req: SiteRequest): SiteResponse {
    const u = this.users.find((x) => x.id === id);
    if (!u) return notFound();
    const draft: User = {
      ...u,
      name: formText(req, 'name'),
      email: formText(req, 'email').toLowerCase(),
      role: formText(req, 'role') as User['role'],
      plan: formText(req, 'plan') as User['plan'],
      active: req.form.get('active') === 'yes',
    };
    const errs = [];
    if (!draft.name) errs.push('Name is required.');
    if (!/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(draft.email)) errs.push('Enter a valid email address.');
    else if (this.users.some((x) => x.id !== id && x.email === draft.email)) errs.push('Another user has that email.');
    if (!(ROLES as readonly string[]).includes(draft.role)) errs.push('Choose a role.');
    if (!(PLANS as readonly string[]).includes(draft.plan)) errs.push('Choose a plan.');
    if (errs.length) return this.edit(id, errs, draft);
    Object.assign(u, draft);
    return { redirect: `/users?q=${encodeURIComponent(u.email)}` };
  }
}
