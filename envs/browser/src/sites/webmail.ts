import type { People } from '@workgym/protocol/kit';
import { PeopleChannel } from './people-channel.js';
import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface Mail {
  id: number;
  /** 'inbox', 'sent', 'trash' (deleted) or one of `MailData.folders`. */
  folder: string;
  from: string;
  to: string;
  subject: string;
  body: string;
  date: string;
  /** The message this one replies to or forwards. */
  inReplyTo?: number;
  forwardOf?: number;
  flagged?: boolean;
}

export interface MailData {
  me: string;
  messages: Mail[];
  /**
   * Folders of the user's own, beside inbox and sent. With them the webmail files mail: a
   * message can be moved, flagged or deleted (to the trash), one by one or by ticking rows of
   * the inbox. Without them none of that is shown.
   */
  folders?: string[];
}

const NAV: [string, string][] = [
  ['/', 'Inbox'],
  ['/sent', 'Sent'],
  ['/compose', 'Compose'],
];
const EMAIL = /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/;

/** A folder as the site lists it, searched for `q` (sender, subject, body): newest first, then by number. */
export function listed(messages: readonly Mail[], folder: string, q = ''): Mail[] {
  const needle = q.toLowerCase();
  return messages
    .filter((m) => m.folder === folder && (!needle || `${m.from} ${m.subject} ${m.body}`.toLowerCase().includes(needle)))
    .sort((a, b) => b.date.localeCompare(a.date) || b.id - a.id);
}

/** A webmail: inbox with search, message view, reply, forward, compose, sent folder. */
export class WebmailSite implements SiteApp {
  readonly host = 'mail.test';
  private nextId: number;
  private readonly people = new PeopleChannel('mail');

  constructor(readonly data: MailData) {
    this.nextId = Math.max(0, ...data.messages.map((m) => m.id)) + 1;
  }

  /** The task's people: a colleague who is one of them (an address at the user's own domain) answers mail sent to them. */
  meet(people: People, fault: (error: Error) => void): void {
    this.people.meet(people, fault);
  }

  sent(): Mail[] {
    return this.data.messages.filter((m) => m.folder === 'sent');
  }

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse | Promise<SiteResponse> {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return this.folder('inbox', req.query.get('q') ?? '');
    if (p === '/sent') return this.folder('sent', '');
    if ((m = route(p, '/m/:id'))) return this.message(Number(m.id));
    if (p === '/compose' && req.method === 'GET') return this.compose(req);
    if (p === '/send' && req.method === 'POST') return this.send(req);
    const folders = this.data.folders;
    if (folders) {
      if ((m = route(p, '/f/:name')) && [...folders, 'trash'].includes(m.name!)) return this.folder(m.name!, '');
      if ((m = route(p, '/m/:id/:action')) && req.method === 'POST') return this.file(Number(m.id), m.action!, req);
      if (p === '/bulk' && req.method === 'POST') return this.bulk(req);
    }
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    const folders = this.data.folders;
    const nav: [string, string][] = folders ? [NAV[0]!, ...folders.map((f): [string, string] => [`/f/${f}`, f]), ['/f/trash', 'Trash'], ...NAV.slice(1)] : NAV;
    return { html: page(title, `Mail — ${this.data.me}`, nav, body) };
  }

  private folder(folder: string, q: string): SiteResponse {
    const list = listed(this.data.messages, folder, q);
    const filing = this.data.folders !== undefined && folder === 'inbox';
    const rows = list.map((m) => [
      esc(folder === 'sent' ? m.to : m.from),
      `<a href="/m/${m.id}">${esc(m.subject)}</a>`,
      esc(m.date),
      ...(this.data.folders ? [m.flagged ? 'Flagged' : ''] : []),
      ...(filing ? [`<input type="checkbox" name="ids" value="${m.id}" form="bulk" aria-label="Select ${esc(m.subject)}">`] : []),
    ]);
    const search =
      folder === 'inbox'
        ? `<form method="get" action="/" role="search">${field('q', 'Search mail', q, 'search')} <button type="submit">Search</button></form>`
        : '';
    const headers = [folder === 'sent' ? 'To' : 'From', 'Subject', 'Date', ...(this.data.folders ? ['Flag'] : []), ...(filing ? ['Select'] : [])];
    const bulk = filing
      ? `<form method="post" action="/bulk" id="bulk">${selectField('to', 'Move selected to', this.data.folders!)} <button type="submit" name="action" value="move">Move selected</button> <button type="submit" name="action" value="flag">Flag selected</button></form>`
      : '';
    const title = folder === 'inbox' ? 'Inbox' : folder === 'sent' ? 'Sent' : folder === 'trash' ? 'Trash' : folder;
    return this.render(title, `${search}<p>${list.length} messages</p>${bulk}${table(headers, rows)}`);
  }

  private message(id: number): SiteResponse {
    const m = this.data.messages.find((x) => x.id === id);
    if (!m) return notFound();
    const folders = this.data.folders;
    const filing = folders
      ? `<p>Folder: ${esc(m.folder === 'inbox' ? 'Inbox' : m.folder === 'trash' ? 'Trash' : m.folder)} · ${m.flagged ? 'Flagged' : 'Not flagged'}</p>
<form method="post" action="/m/${m.id}/move" class="inline">${selectField('to', 'Move to', [['inbox', 'Inbox'], ...folders.map((f): [string, string] => [f, f])], m.folder)} <button type="submit">Move</button></form>
<form method="post" action="/m/${m.id}/flag" class="inline"><button type="submit">${m.flagged ? 'Remove flag' : 'Flag'}</button></form>
<form method="post" action="/m/${m.id}/delete" class="inline"><button type="submit">Delete</button></form>`
      : '';
    return this.render(
      m.subject,
      `<p>From: ${esc(m.from)}</p><p>To: ${esc(m.to)}</p><p>Date: ${esc(m.date)}</p>${filing}<article>${m.body
        .split('\n')
        .map((l) => `<p>${esc(l)}</p>`)
        .join('')}</article>
<p><a href="/compose?reply=${m.id}">Reply</a> · <a href="/compose?forward=${m.id}">Forward</a></p>`,
    );
  }

  /** Moves, flags (or unflags) or deletes one received message; back to the inbox, or to the message after a flag. */
  private file(id: number, action: string, req: SiteRequest): SiteResponse {
    const m = this.data.messages.find((x) => x.id === id && x.folder !== 'sent');
    if (!m) return notFound();
    if (action === 'flag') {
      // Unflagged is no flag at all, as generated mail starts: a flag taken back leaves the record as it was.
      if (m.flagged) delete m.flagged;
      else m.flagged = true;
      return { redirect: `/m/${m.id}` };
    }
    if (action === 'delete') m.folder = 'trash';
    else if (action === 'move' && ['inbox', ...this.data.folders!].includes(formText(req, 'to'))) m.folder = formText(req, 'to');
    else return notFound();
    return { redirect: '/' };
  }

  /** The inbox's ticked rows moved to a folder or flagged. */
  private bulk(req: SiteRequest): SiteResponse {
    const ids = new Set(req.form.getAll('ids').map(Number));
    const to = formText(req, 'to');
    const action = formText(req, 'action');
    if (action === 'move' && !this.data.folders!.includes(to)) return notFound();
    for (const m of this.data.messages) {
      if (!ids.has(m.id) || m.folder !== 'inbox') continue;
      if (action === 'move') m.folder = to;
      else if (action === 'flag') m.flagged = true;
    }
    return { redirect: '/' };
  }

  private compose(req: SiteRequest, errs: string[] = [], draft?: { to: string; subject: string; body: string; ref: string }): SiteResponse {
    const reply = this.data.messages.find((x) => x.id === Number(req.query.get('reply')));
    const forward = this.data.messages.find((x) => x.id === Number(req.query.get('forward')));
    const quoted = (m: { from: string; date: string; body: string }) => `\n\n--- On ${m.date}, ${m.from} wrote ---\n${m.body}`;
    const d = draft ?? {
      to: reply ? reply.from : '',
      subject: reply ? `Re: ${reply.subject}` : forward ? `Fwd: ${forward.subject}` : '',
      body: reply ? quoted(reply) : forward ? quoted(forward) : '',
      ref: reply ? `reply:${reply.id}` : forward ? `forward:${forward.id}` : '',
    };
    return this.render(
      reply ? 'Reply' : forward ? 'Forward' : 'New message',
      `${errors(errs)}<form method="post" action="/send"><input type="hidden" name="ref" value="${esc(d.ref)}">
${field('to', 'To', d.to, 'text')}${field('subject', 'Subject', d.subject)}
<label for="body">Message</label><textarea id="body" name="body" rows="10" cols="70">${esc(d.body)}</textarea>
<p><button type="submit">Send</button></p></form>`,
    );
  }

  private send(req: SiteRequest): SiteResponse | Promise<SiteResponse> {
    const draft = { to: formText(req, 'to'), subject: formText(req, 'subject'), body: req.form.get('body') ?? '', ref: formText(req, 'ref') };
    const errs = [];
    if (!EMAIL.test(draft.to)) errs.push('Enter one valid email address in To.');
    if (!draft.subject) errs.push('The subject is empty.');
    if (errs.length) return this.compose(req, errs, draft);
    const [kind, ref] = draft.ref.split(':');
    const mail: Mail = {
      id: this.nextId++,
      folder: 'sent',
      from: this.data.me,
      to: draft.to,
      subject: draft.subject,
      body: draft.body,
      date: '2025-06-30',
      ...(kind === 'reply' ? { inReplyTo: Number(ref) } : {}),
      ...(kind === 'forward' ? { forwardOf: Number(ref) } : {}),
    };
    this.data.messages.push(mail);
    const shown: SiteResponse = { redirect: '/sent' };
    const person = this.recipient(mail.to);
    return this.people.reaches(person) ? this.deliver(mail, person).then(() => shown) : shown;
  }

  /**
   * Whom an address names: a colleague is `<their id>@` the user's own domain
   * (dana.kim@company.example); the channel says whether they are a Person who answers on `mail`.
   */
  private recipient(to: string): string | undefined {
    const [local, domain] = to.toLowerCase().split('@');
    return domain === this.data.me.toLowerCase().split('@')[1] ? local : undefined;
  }

  /**
   * A mail reaches a colleague, a Person of the task; their answer (a slip and its correction in
   * one mail) arrives in the inbox as their reply to it. Muted, nothing arrives.
   */
  private async deliver(mail: Mail, person: string): Promise<void> {
    const turns = await this.people.send(person, mail.body);
    if (turns.length === 0) return;
    this.data.messages.push({
      id: this.nextId++,
      folder: 'inbox',
      from: mail.to.toLowerCase(),
      to: this.data.me,
      subject: /^re:/i.test(mail.subject) ? mail.subject : `Re: ${mail.subject}`,
      body: turns.map((turn) => turn.text).join('\n'),
      date: mail.date,
      inReplyTo: mail.id,
    });
  }
}
