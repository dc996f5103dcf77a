import { errors, esc, field, page, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';

export interface Mail {
  id: number;
  folder: 'inbox' | 'sent';
  from: string;
  to: string;
  subject: string;
  body: string;
  date: string;
  /** The message this one replies to or forwards. */
  inReplyTo?: number;
  forwardOf?: number;
}

export interface MailData {
  me: string;
  messages: Mail[];
}

const NAV: [string, string][] = [
  ['/', 'Inbox'],
  ['/sent', 'Sent'],
  ['/compose', 'Compose'],
];
const EMAIL = /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/;

/** A folder as the site lists it, searched for `q` (sender, subject, body): newest first, then by number. */
export function listed(messages: readonly Mail[], folder: Mail['folder'], q = ''): Mail[] {
  const needle = q.toLowerCase();
  return messages
    .filter((m) => m.folder === folder && (!needle || `${m.from} ${m.subject} ${m.body}`.toLowerCase().includes(needle)))
    .sort((a, b) => b.date.localeCompare(a.date) || b.id - a.id);
}

/** A webmail: inbox with search, message view, reply, forward, compose, sent folder. */
export class WebmailSite implements SiteApp {
  readonly host = 'mail.test';
  private nextId: number;

  constructor(readonly data: MailData) {
    this.nextId = Math.max(0, ...data.messages.map((m) => m.id)) + 1;
  }

  sent(): Mail[] {
    return this.data.messages.filter((m) => m.folder === 'sent');
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return this.folder('inbox', req.query.get('q') ?? '');
    if (p === '/sent') return this.folder('sent', '');
    if ((m = route(p, '/m/:id'))) return this.message(Number(m.id));
    if (p === '/compose' && req.method === 'GET') return this.compose(req);
    if (p === '/send' && req.method === 'POST') return this.send(req);
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, `Mail — ${this.data.me}`, NAV, body) };
  }

  private folder(folder: Mail['folder'], q: string): SiteResponse {
    const list = listed(this.data.messages, folder, q);
    const rows = list.map((m) => [esc(folder === 'inbox' ? m.from : m.to), `<a href="/m/${m.id}">${esc(m.subject)}</a>`, esc(m.date)]);
    const search =
      folder === 'inbox'
        ? `<form method="get" action="/" role="search">${field('q', 'Search mail', q, 'search')} <button type="submit">Search</button></form>`
        : '';
    return this.render(
      folder === 'inbox' ? 'Inbox' : 'Sent',
      `${search}<p>${list.length} messages</p>${table([folder === 'inbox' ? 'From' : 'To', 'Subject', 'Date'], rows)}`,
    );
  }

  private message(id: number): SiteResponse {
    const m = this.data.messages.find((x) => x.id === id);
    if (!m) return notFound();
    return this.render(
      m.subject,
      `<p>From: ${esc(m.from)}</p><p>To: ${esc(m.to)}</p><p>Date: ${esc(m.date)}</p><article>${m.body
        .split('\n')
        .map((l) => `<p>${esc(l)}</p>`)
        .join('')}</article>
<p><a href="/compose?reply=${m.id}">Reply</a> · <a href="/compose?forward=${m.id}">Forward</a></p>`,
    );
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

  private send(req: SiteRequest): SiteResponse {
    const draft = { to: formText(req, 'to'), subject: formText(req, 'subject'), body: req.form.get('body') ?? '', ref: formText(req, 'ref') };
    const errs = [];
    if (!EMAIL.test(draft.to)) errs.push('Enter one valid email address in To.');
    if (!draft.subject) errs.push('The subject is empty.');
    if (errs.length) return this.compose(req, errs, draft);
    const [kind, ref] = draft.ref.split(':');
    this.data.messages.push({
      id: this.nextId++,
      folder: 'sent',
      from: this.data.me,
      to: draft.to,
      subject: draft.subject,
      body: draft.body,
      date: '2025-06-30',
      ...(kind === 'reply' ? { inReplyTo: Number(ref) } : {}),
      ...(kind === 'forward' ? { forwardOf: Number(ref) } : {}),
    });
    return { redirect: '/sent' };
  }
}
