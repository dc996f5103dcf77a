import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface CalPerson {
  id: number;
  name: string;
}

export interface Room {
  id: number;
  name: string;
  seats: number;
}

export interface CalEvent {
  id: number;
  title: string;
  /** YYYY-MM-DD, one of the calendar's days. */
  day: string;
  /** Minutes after midnight. */
  start: number;
  end: number;
  /** Person ids. */
  attendees: number[];
  /** 0: no room. */
  roomId: number;
  priority: Priority;
}

export type Priority = 'high' | 'normal' | 'low';

export interface CalendarData {
  /** The week shown, Monday to Friday (YYYY-MM-DD). */
  days: string[];
  people: CalPerson[];
  rooms: Room[];
  events: CalEvent[];
}

export const PRIORITY_LEVELS: readonly Priority[] = ['high', 'normal', 'low'];
export const LENGTHS = [30, 60, 90, 120] as const;
/** Start times the form offers: 07:00 to 19:30, every half hour (working hours are a rule of the task, not of the form). */
const STARTS = Array.from({ length: 26 }, (_, i) => 7 * 60 + i * 30);
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const NAV: [string, string][] = [
  ['/week', 'Week'],
  ['/rooms', 'Rooms'],
  ['/events/new', 'New event'],
];

/** "09:30". */
export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "Thursday 2026-03-05": how every page names a day. */
export function dayLabel(day: string): string {
  return `${WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]} ${day}`;
}

/** "14:00–15:00". */
export function span(e: { start: number; end: number }): string {
  return `${clock(e.start)}–${clock(e.end)}`;
}

export function roomLabel(r: Room): string {
  return `${r.name} (${r.seats} seats)`;
}

export function overlaps(a: { day: string; start: number; end: number }, b: { day: string; start: number; end: number }): boolean {
  return a.day === b.day && a.start < b.end && b.start < a.end;
}

/**
 * A team calendar: each person's and each room's week, a day view of every event, event pages,
 * and a form that creates, edits and moves events (day, start, length, room, attendees). It
 * accepts overlapping events, as shared calendars do: the task says what may overlap.
 */
export class CalendarSite implements SiteApp {
  readonly host = 'calendar.test';
  private nextId: number;

  constructor(readonly data: CalendarData) {
    this.nextId = Math.max(0, ...data.events.map((e) => e.id)) + 1;
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
    if (p === '/') return { redirect: '/week' };
    if (p === '/week') return this.week(req.query.get('cal') ?? '');
    if (p === '/rooms') return this.roomList();
    if ((m = route(p, '/day/:day'))) return this.dayView(m.day!);
    if (p === '/events/new' && req.method === 'GET') return this.form(undefined, []);
    if (p === '/events/new' && req.method === 'POST') return this.save(undefined, req);
    if ((m = route(p, '/events/:id/edit'))) {
      const e = this.event(m.id!);
      if (!e) return notFound();
      return req.method === 'POST' ? this.save(e, req) : this.form(e, []);
    }
    if ((m = route(p, '/events/:id'))) return this.details(this.event(m.id!));
    return notFound();
  }

  private event(id: string): CalEvent | undefined {
    return this.data.events.find((e) => e.id === Number(id));
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'Team Calendar', NAV, body) };
  }

  private names(ids: readonly number[]): string {
    return ids.map((id) => this.data.people.find((p) => p.id === id)?.name ?? '?').join(', ');
  }

  private roomName(id: number): string {
    const room = this.data.rooms.find((r) => r.id === id);
    return room ? room.name : 'No room';
  }

  private sorted(events: readonly CalEvent[]): CalEvent[] {
    return [...events].sort((a, b) => a.day.localeCompare(b.day) || a.start - b.start || a.id - b.id);
  }

  private dayLinks(): string {
    return `<nav aria-label="Days">${this.data.days.map((d) => `<a href="/day/${d}">${esc(dayLabel(d))}</a>`).join(' ')}</nav>`;
  }

  /** One person's or room's week (`cal` is "p<id>" or "r<id>"), with a picker for the others. */
  private week(cal: string): SiteResponse {
    const options: [string, string][] = [
      ['', 'Choose…'],
      ...this.data.people.map((p): [string, string] => [`p${p.id}`, p.name]),
      ...this.data.rooms.map((r): [string, string] => [`r${r.id}`, `Room ${r.name}`]),
    ];
    const picker = `<form method="get" action="/week">${selectField('cal', 'Calendar of', options, cal)} <button type="submit">Show calendar</button></form>`;
    const chosen = options.find(([value]) => value && value === cal);
    if (!chosen) return this.render('Week', `${this.dayLinks()}${picker}<p>Choose a person or a room to see their week.</p>`);
    const id = Number(cal.slice(1));
    const mine = this.data.events.filter((e) => (cal[0] === 'p' ? e.attendees.includes(id) : e.roomId === id));
    const rows = this.sorted(mine).map((e) => [
      esc(dayLabel(e.day)),
      esc(span(e)),
      `<a href="/events/${e.id}">${esc(e.title)}</a>`,
      esc(this.roomName(e.roomId)),
    ]);
    return this.render(
      `Week of ${chosen[1]}`,
      `${this.dayLinks()}${picker}<p>${mine.length} events, ${esc(dayLabel(this.data.days[0]!))} to ${esc(dayLabel(this.data.days.at(-1)!))}</p>${table(['Day', 'Time', 'Event', 'Room'], rows)}`,
    );
  }

  private dayView(day: string): SiteResponse {
    const at = this.data.days.indexOf(day);
    if (at < 0) return notFound();
    const rows = this.sorted(this.data.events.filter((e) => e.day === day)).map((e) => [
      esc(span(e)),
      `<a href="/events/${e.id}">${esc(e.title)}</a>`,
      esc(this.names(e.attendees)),
      esc(this.roomName(e.roomId)),
    ]);
    const prev = at > 0 ? `<a href="/day/${this.data.days[at - 1]}">Previous day</a> ` : '';
    const next = at < this.data.days.length - 1 ? `<a href="/day/${this.data.days[at + 1]}">Next day</a>` : '';
    return this.render(dayLabel(day), `${this.dayLinks()}<nav aria-label="Day">${prev}${next}</nav>${table(['Time', 'Event', 'Attendees', 'Room'], rows)}`);
  }

  private roomList(): SiteResponse {
    const rows = this.data.rooms.map((r) => [`<a href="/week?cal=r${r.id}">${esc(r.name)}</a>`, String(r.seats)]);
    return this.render('Rooms', table(['Room', 'Seats'], rows));
  }

  private details(e: CalEvent | undefined): SiteResponse {
    if (!e) return notFound();
    const room = this.data.rooms.find((r) => r.id === e.roomId);
    return this.render(
      e.title,
      `<p>When: ${esc(dayLabel(e.day))}, ${esc(span(e))}</p><p>Room: ${esc(room ? roomLabel(room) : 'No room')}</p>
<p>Attendees: ${esc(this.names(e.attendees))}</p><p>Priority: ${esc(e.priority)}</p>
<p><a href="/events/${e.id}/edit">Edit event</a> <a href="/day/${e.day}">Day of this event</a></p>`,
    );
  }

  private form(e: CalEvent | undefined, errs: string[], draft?: CalEvent): SiteResponse {
    const v: CalEvent = draft ??
      e ?? { id: 0, title: '', day: this.data.days[0]!, start: 9 * 60, end: 9 * 60 + 30, attendees: [], roomId: 0, priority: 'normal' };
    const action = e ? `/events/${e.id}/edit` : '/events/new';
    const people = this.data.people
      .map((p) => `<label><input type="checkbox" name="attendee" value="${p.id}"${v.attendees.includes(p.id) ? ' checked' : ''}> ${esc(p.name)}</label>`)
      .join('');
    return this.render(
      e ? `Edit ${e.title}` : 'New event',
      `${errors(errs)}<form method="post" action="${action}">${field('title', 'Title', v.title)}
${selectField(
  'day',
  'Day',
  this.data.days.map((d): [string, string] => [d, dayLabel(d)]),
  v.day,
)}
${selectField(
  'start',
  'Start',
  STARTS.map((s): [string, string] => [String(s), clock(s)]),
  String(v.start),
)}
${selectField(
  'length',
  'Length',
  LENGTHS.map((l): [string, string] => [String(l), `${l} minutes`]),
  String(v.end - v.start),
)}
${selectField('room', 'Room', [['0', 'No room'], ...this.data.rooms.map((r): [string, string] => [String(r.id), roomLabel(r)])], String(v.roomId))}
${selectField(
  'priority',
  'Priority',
  PRIORITY_LEVELS.map((p): [string, string] => [p, p]),
  v.priority,
)}
<fieldset><legend>Attendees</legend>${people}</fieldset>
<p><button type="submit">Save event</button></p></form>`,
    );
  }

  private save(e: CalEvent | undefined, req: SiteRequest): SiteResponse {
    const start = Number(formText(req, 'start'));
    const length = Number(formText(req, 'length'));
    const roomId = Number(formText(req, 'room'));
    const draft: CalEvent = {
      id: e?.id ?? 0,
      title: formText(req, 'title'),
      day: formText(req, 'day'),
      start,
      end: start + length,
      attendees: [...new Set(req.form.getAll('attendee').map(Number))].filter((id) => this.data.people.some((p) => p.id === id)).sort((a, b) => a - b),
      roomId,
      priority: formText(req, 'priority') as Priority,
    };
    const errs = [];
    if (!draft.title) errs.push('Enter a title.');
    if (!this.data.days.includes(draft.day)) errs.push('Choose a day.');
    if (!STARTS.includes(start)) errs.push('Choose a start time.');
    if (!(LENGTHS as readonly number[]).includes(length)) errs.push('Choose a length.');
    if (roomId !== 0 && !this.data.rooms.some((r) => r.id === roomId)) errs.push('Choose a room.');
    if (!PRIORITY_LEVELS.includes(draft.priority)) errs.push('Choose a priority.');
    if (draft.attendees.length === 0) errs.push('Invite at least one attendee.');
    if (errs.length) return this.form(e, errs, draft);
    if (e) Object.assign(e, draft);
    else this.data.events.push({ ...draft, id: this.nextId++ });
    return { redirect: `/events/${e?.id ?? this.nextId - 1}` };
  }
}
