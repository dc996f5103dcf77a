import type { People } from '@workgym/protocol/kit';
import { PeopleChannel } from './people-channel.js';
import { esc, field, page, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

/** A colleague on the team chat, addressed by their handle (`dana.kim`). */
export interface Colleague {
  /** The handle: a direct message goes to `/dm/<id>`. */
  id: string;
  name: string;
  role: string;
  /** The id of the task's Person who is this colleague (channel `chat`): they answer direct messages. */
  person?: string;
}

/** One message of a channel or a conversation. */
export interface ChatMessage {
  from: string;
  text: string;
}

/** A channel (#general, #team): history seeded with the task, read-only. */
export interface Channel {
  id: string;
  topic: string;
  messages: ChatMessage[];
}

/** The direct messages between the agent and one colleague (`id` is the colleague's handle). */
export interface Conversation {
  id: string;
  name: string;
  messages: ChatMessage[];
}

export interface ChatData {
  colleagues: Colleague[];
  channels: Channel[];
  /** One per colleague, empty until the agent writes. */
  conversations: Conversation[];
}

/** Who the agent is in the chat: its messages appear under this name. */
export const ME = 'You';
/** The channel of a colleague who answers direct messages on the team chat. */
export const CHAT = 'chat';
const NAV: [string, string][] = [
  ['/', 'Team chat'],
  ['/search', 'Search'],
];

/**
 * A team chat: colleagues with roles, channels with a seeded history (readable and searchable,
 * never written) and one direct conversation per colleague with a message box. A colleague who is
 * a Person of the task answers a direct message in that conversation (SiteApp.meet).
 */
export class ChatSite implements SiteApp {
  readonly host = 'chat.test';

  private readonly people = new PeopleChannel(CHAT);

  constructor(readonly data: ChatData) {}

  /** The task's people: a colleague who is one of them answers direct messages. */
  meet(people: People, fault: (error: Error) => void): void {
    this.people.meet(people, fault);
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
    if (p === '/') return this.home();
    if (p === '/search') return this.search(req.query.get('q') ?? '');
    if ((m = route(p, '/channels/:id'))) return this.channel(m.id!);
    if ((m = route(p, '/dm/:id')) && req.method === 'POST') return this.post(m.id!, req);
    if ((m = route(p, '/dm/:id'))) return this.conversation(m.id!, []);
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'Team chat', NAV, body) };
  }

  private home(): SiteResponse {
    const channels = this.data.channels.map((c) => `<li><a href="/channels/${esc(c.id)}">#${esc(c.id)}</a>: ${esc(c.topic)}</li>`).join('');
    const rows = this.data.colleagues.map((c) => [esc(c.name), esc(c.id), esc(c.role), `<a href="/dm/${esc(c.id)}">Message ${esc(c.name)}</a>`]);
    return this.render('Team chat', `<h2>Channels</h2><ul>${channels}</ul><h2>People</h2>${table(['Name', 'Handle', 'Role', ''], rows)}`);
  }

  private messages(list: readonly ChatMessage[]): string {
    return list.map((m) => `<article><p><strong>${esc(m.from)}</strong></p><p>${esc(m.text)}</p></article>`).join('');
  }

  private channel(id: string): SiteResponse {
    const c = this.data.channels.find((x) => x.id === id);
    if (!c) return notFound();
    return this.render(`#${c.id}`, `<p>${esc(c.topic)}</p>${this.messages(c.messages)}`);
  }

  private search(q: string): SiteResponse {
    const text = q.trim().toLowerCase();
    const hits = text
      ? this.data.channels.flatMap((c) => c.messages.filter((m) => `${m.from} ${m.text}`.toLowerCase().includes(text)).map((m) => ({ c, m })))
      : [];
    const found = hits.map(({ c, m }) => `<article><p><strong>${esc(m.from)}</strong> in #${esc(c.id)}</p><p>${esc(m.text)}</p></article>`).join('');
    return this.render(
      'Search',
      `<form method="get" action="/search" role="search">${field('q', 'Search messages', q, 'search')}<p><button type="submit">Search</button></p></form>${
        text ? `<p>${hits.length} messages match</p>${found}` : ''
      }`,
    );
  }

  private conversation(id: string, errs: string[]): SiteResponse {
    const c = this.data.colleagues.find((x) => x.id === id);
    const talk = this.data.conversations.find((x) => x.id === id);
    if (!c || !talk) return notFound();
    const error = errs.length ? `<div class="error" role="alert">${errs.map((e) => `<p>${esc(e)}</p>`).join('')}</div>` : '';
    return this.render(
      c.name,
      `<p>${esc(c.role)} (${esc(c.id)})</p>${error}${talk.messages.length ? this.messages(talk.messages) : '<p>No messages yet.</p>'}
<form method="post" action="/dm/${esc(c.id)}"><label for="text">Message</label><textarea id="text" name="text"></textarea><p><button type="submit">Send</button></p></form>`,
    );
  }

  private post(id: string, req: SiteRequest): SiteResponse | Promise<SiteResponse> {
    const c = this.data.colleagues.find((x) => x.id === id);
    const talk = this.data.conversations.find((x) => x.id === id);
    if (!c || !talk) return notFound();
    const text = formText(req, 'text');
    if (!text) return this.conversation(id, ['Write a message.']);
    talk.messages.push({ from: ME, text });
    const shown: SiteResponse = { redirect: `/dm/${id}` };
    return this.people.reaches(c.person) ? this.deliver(talk, c.person, text).then(() => shown) : shown;
  }

  /** A direct message reaches the colleague, a Person of the task; their answer joins the conversation (none when muted). */
  private async deliver(talk: Conversation, person: string, text: string): Promise<void> {
    const turns = await this.people.send(person, text);
    talk.messages.push(...turns.map((turn) => ({ from: turn.name, text: turn.text })));
  }
}
