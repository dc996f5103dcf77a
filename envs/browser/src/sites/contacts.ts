import { errors, esc, field, page, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface Contact {
  id: number;
  name: string;
  company: string;
  role: string;
  email: string;
  phone: string;
  city: string;
  /** YYYY-MM-DD: when the entry last changed. */
  updated: string;
}

export interface ContactsData {
  contacts: Contact[];
  /** The date an edit or merge writes into `updated`. */
  today: string;
}

/** The fields the edit form shows, with their labels. */
export const CONTACT_FIELDS = [
  ['name', 'Name'],
  ['company', 'Company'],
  ['role', 'Role'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['city', 'City'],
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number][0];
/** The fields a merge chooses between (the rest are the kept entry's). */
const MERGED: readonly ContactField[] = ['role', 'email', 'phone'];
const PAGE_SIZE = 20;
const NAV: [string, string][] = [
  ['/contacts', 'Contacts'],
  ['/contacts/new', 'New contact'],
];

/** How the directory's search compares: case and spaces do not count. */
export function squash(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
}

/** The directory's order: by name, then company, then when the entry was made. */
export function directoryOrder(contacts: readonly Contact[]): Contact[] {
  return [...contacts].sort((a, b) => a.name.localeCompare(b.name) || a.company.localeCompare(b.company) || a.id - b.id);
}

/** A contacts directory: search, a paged list, contact pages, an edit form, and a merge of two entries choosing which values to keep. */
export class ContactsSite implements SiteApp {
  readonly host = 'contacts.test';
  private nextId: number;

  constructor(readonly data: ContactsData) {
    this.nextId = Math.max(0, ...data.contacts.map((c) => c.id)) + 1;
  }

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return { redirect: '/contacts' };
    if (p === '/contacts') return this.list(req.query);
    if (p === '/contacts/new') return req.method === 'POST' ? this.save(undefined, req) : this.form(undefined, []);
    if ((m = route(p, '/contacts/:id/merge/:other'))) {
      const [keep, other] = [this.contact(m.id!), this.contact(m.other!)];
      if (!keep || !other || keep === other) return notFound();
      return req.method === 'POST' ? this.merge(keep, other, req) : this.compare(keep, other);
    }
    const c = (m = route(p, '/contacts/:id/merge') ?? route(p, '/contacts/:id/edit') ?? route(p, '/contacts/:id')) && this.contact(m.id!);
    if (!c) return notFound();
    if (p.endsWith('/merge')) return this.pickDuplicate(c, req.query.get('q') ?? '');
    if (p.endsWith('/edit')) return req.method === 'POST' ? this.save(c, req) : this.form(c, []);
    return this.details(c);
  }

  private contact(id: string): Contact | undefined {
    return this.data.contacts.find((c) => c.id === Number(id));
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'Contacts', NAV, body) };
  }

  private search(q: string): Contact[] {
    const needle = squash(q);
    return directoryOrder(this.data.contacts).filter((c) => !needle || squash(`${c.name} ${c.company} ${c.email}`).includes(needle));
  }

  private list(q: URLSearchParams): SiteResponse {
    const text = q.get('q') ?? '';
    const hits = this.search(text);
    const pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
    const at = Math.min(pages, Math.max(1, Number(q.get('page')) || 1));
    const rows = hits
      .slice((at - 1) * PAGE_SIZE, at * PAGE_SIZE)
      .map((c) => [`<a href="/contacts/${c.id}">${esc(c.name)}</a>`, esc(c.company), esc(c.email), esc(c.phone)]);
    const link = (n: number) => `/contacts?${new URLSearchParams({ q: text, page: String(n) })}`;
    const pager = `<nav aria-label="Pages">${at > 1 ? `<a href="${esc(link(at - 1))}">Previous page</a> ` : ''}Page ${at} of ${pages}${at < pages ? ` <a href="${esc(link(at + 1))}">Next page</a>` : ''}</nav>`;
    return this.render(
      'Contacts',
      `<form method="get" action="/contacts" role="search">${field('q', 'Search contacts', text, 'search')} <button type="submit">Search</button></form>
<p>${hits.length} contacts</p>${table(['Name', 'Company', 'Email', 'Phone'], rows)}${pager}`,
    );
  }

  private details(c: Contact): SiteResponse {
    const lines = CONTACT_FIELDS.filter(([k]) => k !== 'name')
      .map(([k, label]) => `<p>${label}: ${esc(c[k])}</p>`)
      .join('');
    return this.render(
      c.name,
      `${lines}<p>Last updated: ${esc(c.updated)}</p><p><a href="/contacts/${c.id}/edit">Edit contact</a> <a href="/contacts/${c.id}/merge">Merge a duplicate into this contact</a></p>`,
    );
  }

  private form(c: Contact | undefined, errs: string[], draft?: Contact): SiteResponse {
    const v = draft ?? c;
    const fields = CONTACT_FIELDS.map(([k, label]) => field(k, label, v?.[k] ?? '')).join('');
    return this.render(
      c ? `Edit ${c.name}` : 'New contact',
      `${errors(errs)}<form method="post" action="${c ? `/contacts/${c.id}/edit` : '/contacts/new'}">${fields}<p><button type="submit">Save contact</button></p></form>`,
    );
  }

  private save(c: Contact | undefined, req: SiteRequest): SiteResponse {
    const draft: Contact = { id: c?.id ?? 0, updated: this.data.today, ...Object.fromEntries(CONTACT_FIELDS.map(([k]) => [k, formText(req, k)])) } as Contact;
    const errs = [];
    if (!draft.name) errs.push('Enter a name.');
    if (draft.email && !/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(draft.email.replace(/\s/g, ''))) errs.push('Enter a valid email address.');
    if (errs.length) return this.form(c, errs, draft);
    if (c) Object.assign(c, draft);
    else this.data.contacts.push({ ...draft, id: this.nextId++ });
    return { redirect: `/contacts/${c?.id ?? this.nextId - 1}` };
  }

  private pickDuplicate(c: Contact, q: string): SiteResponse {
    const hits = q ? this.search(q).filter((x) => x !== c) : [];
    const rows = hits.map((x) => [
      esc(x.name),
      esc(x.company),
      esc(x.email),
      `<a href="/contacts/${c.id}/merge/${x.id}" aria-label="Choose ${esc(x.name)}, ${esc(x.email)}">Choose</a>`,
    ]);
    return this.render(
      `Merge into ${c.name}`,
      `<p>Keep: ${esc(c.name)}, ${esc(c.company)}, ${esc(c.email)}</p><form method="get" action="/contacts/${c.id}/merge" role="search">${field('q', 'Find the duplicate', q, 'search')} <button type="submit">Find</button></form>
${q ? table(['Name', 'Company', 'Email', ''], rows) : '<p>Search for the entry to merge into this one.</p>'}`,
    );
  }

  private compare(keep: Contact, other: Contact): SiteResponse {
    const rows = CONTACT_FIELDS.map(([k, label]) => [esc(label), esc(keep[k]), esc(other[k])]);
    rows.push(['Last updated', esc(keep.updated), esc(other.updated)]);
    const choices = MERGED.filter((k) => keep[k] !== other[k])
      .map((k) => {
        const label = CONTACT_FIELDS.find(([f]) => f === k)![1];
        const option = (c: Contact, checked: boolean) =>
          `<label><input type="radio" name="${k}" value="${c.id}"${checked ? ' checked' : ''}> ${esc(c[k])} (updated ${esc(c.updated)})</label>`;
        return `<fieldset><legend>Keep which ${label.toLowerCase()}?</legend>${option(keep, true)}${option(other, false)}</fieldset>`;
      })
      .join('');
    return this.render(
      `Merge ${other.name} into ${keep.name}`,
      `${table(['Field', 'Kept entry', 'Duplicate'], rows)}<form method="post" action="/contacts/${keep.id}/merge/${other.id}">${choices}<p>The duplicate entry is deleted.</p><p><button type="submit">Merge contacts</button></p></form>`,
    );
  }

  private merge(keep: Contact, other: Contact, req: SiteRequest): SiteResponse {
    for (const k of MERGED) if (formText(req, k) === String(other.id)) keep[k] = other[k];
    keep.updated = this.data.today;
    this.data.contacts.splice(this.data.contacts.indexOf(other), 1);
    return { redirect: `/contacts/${keep.id}` };
  }
}
