// The office-assistant families' verifiers at their edges: each attempt posts the site's own forms
// (the requests a browser's clicks send) and the verdict is read from the backends, with the
// shaped reward the server would pay. The browser plays the experts, relaxations and guesses in
// conformance.test.ts and `workgym check`.
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { CalendarSite, dayLabel, overlaps, PRIORITY_LEVELS, type CalEvent } from '../src/sites/calendar.js';
import { ContactsSite, directoryOrder, squash, type Contact } from '../src/sites/contacts.js';
import type { SiteApp } from '../src/sites/site-app.js';
import { WebmailSite } from '../src/sites/webmail.js';
import { slots, type SlotRule } from '../src/tasks/cal-data.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { judged, judging } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SEEDS = [1, 2, 3, 4, 5, 6];

function post(site: SiteApp, path: string, form: [string, string][]) {
  return site.handle({ method: 'POST', path, query: new URLSearchParams(), form: new URLSearchParams(form) });
}

function verdict(name: string, instance: TaskInstance) {
  return judged(name, instance);
}

function calendar(instance: TaskInstance) {
  const site = instance.sites.find((s) => s instanceof CalendarSite)!;
  const { data } = site;
  const save = (path: string, e: Omit<CalEvent, 'id'>) =>
    post(site, path, [
      ['title', e.title],
      ['day', e.day],
      ['start', String(e.start)],
      ['length', String(e.end - e.start)],
      ['room', String(e.roomId)],
      ['priority', e.priority],
      ...e.attendees.map((a): [string, string] => ['attendee', String(a)]),
    ]);
  return { site, data, save };
}

/** The meeting the instruction asks for, booked where the rule puts it. */
function meeting(instance: TaskInstance) {
  const cal = calendar(instance);
  const { data } = cal;
  const [, title, length] = /^Schedule "(.+)", (\d+) minutes/.exec(instance.instruction)!;
  const names = /with (.+) in the Team Calendar/.exec(instance.instruction)![1]!.split(/, | and /);
  const seats = Number(/at least (\d+) seats/.exec(instance.instruction)![1]);
  const deadline = data.days.findIndex((d) => instance.instruction.includes(`on ${dayLabel(d)} or earlier`));
  const attendees = names.map((n) => data.people.find((p) => p.name === n)!.id).sort((a, b) => a - b);
  const rule = { people: attendees, length: Number(length), seats, hours: true };
  /** The latest slot by the deadline under the instruction's rule, or with a part of it changed. */
  const latest = (change: Partial<SlotRule> = {}) => slots(data, { ...rule, ...change }, data.days.slice(0, deadline + 1).reverse(), true)[0]!;
  const slot = latest();
  const event = { title: title!, day: slot.day, start: slot.start, end: slot.end, roomId: slot.roomId, attendees, priority: 'normal' as const };
  return { ...cal, event, seats, attendees, latest };
}

describe('browser/cal-schedule-meeting verifier', () => {
  const play = (seed: number, attempt: (m: ReturnType<typeof meeting>) => void) => {
    const instance = env.instance('browser/cal-schedule-meeting', seed);
    attempt(meeting(instance));
    return verdict('cal-schedule-meeting', instance);
  };

  it('pays the meeting booked through the form, whatever the title case and spacing or the big-enough room', () => {
    for (const seed of SEEDS) {
      expect(play(seed, (m) => m.save('/events/new', m.event)).success, `seed ${seed}`).toBe(true);
      const loose = play(seed, (m) => {
        const other = m.data.rooms.find(
          (r) => r.seats >= m.seats && r.id !== m.event.roomId && !m.data.events.some((e) => e.roomId === r.id && overlaps(e, m.event)),
        );
        m.save('/events/new', { ...m.event, title: `  ${m.event.title.toUpperCase()} `, roomId: other?.id ?? m.event.roomId });
      });
      expect(loose.success, `seed ${seed}: ${loose.detail}`).toBe(true);
    }
  });

  it('a room too small or already booked then, an attendee missing, or a second booking does not succeed', () => {
    for (const seed of SEEDS) {
      const small = play(seed, (m) => m.save('/events/new', { ...m.event, roomId: m.data.rooms.find((r) => r.seats < m.seats)!.id }));
      expect([small.success, small.components.room], `seed ${seed}`).toEqual([false, 0]);
      const taken = play(seed, (m) => {
        m.save('/events/new', m.event);
        m.save('/events/new', { ...m.event, title: 'Other team', attendees: [m.data.people.find((p) => !m.event.attendees.includes(p.id))!.id] });
      });
      expect([taken.components.room, taken.components.one_new_event, taken.shaped], `seed ${seed}`).toEqual([0, 0, 0]);
      const missing = play(seed, (m) => m.save('/events/new', { ...m.event, attendees: m.event.attendees.slice(1) }));
      expect([missing.success, missing.components.attendees], `seed ${seed}`).toEqual([false, 0]);
    }
  });

  it("every named attendee's calendar decides the time: the latest slot with any one of them ignored scores 0, on 20 seeds of every tier", () => {
    const tiers = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const { event, attendees } = meeting(env.instance('browser/cal-schedule-meeting', seed));
      tiers.add(`${attendees.length} attendees`);
      for (const dropped of attendees) {
        const v = play(seed, (m) => {
          const slot = m.latest({ people: attendees.filter((a) => a !== dropped) });
          expect([slot.day, slot.start], `seed ${seed}: attendee ${dropped} dropped`).not.toEqual([event.day, event.start]);
          m.save('/events/new', { ...m.event, day: slot.day, start: slot.start, end: slot.end, roomId: slot.roomId });
        });
        expect([v.success, v.shaped], `seed ${seed}: attendee ${dropped} dropped: ${v.detail}`).toEqual([false, 0]);
      }
    }
    expect([...tiers].sort()).toEqual(['2 attendees', '3 attendees', '4 attendees']);
  });

  it('moving an event already in the calendar costs everything', () => {
    for (const seed of SEEDS) {
      const v = play(seed, (m) => {
        m.save('/events/new', m.event);
        const e = m.data.events[0]!;
        const start = e.start === 9 * 60 ? 10 * 60 : 9 * 60;
        m.save(`/events/${e.id}/edit`, { ...e, start, end: start + e.end - e.start });
      });
      expect([v.success, v.shaped], `seed ${seed}: ${v.detail}`).toEqual([false, 0]);
    }
  });
});

/** The double-booked person's two events, the one to move, and where the rule moves it. */
function conflict(instance: TaskInstance) {
  const cal = calendar(instance);
  const { data } = cal;
  const person = data.people.find((p) => instance.instruction.startsWith(`${p.name} is double-booked`))!;
  const mine = data.events.filter((e) => e.attendees.includes(person.id));
  const pair = mine.filter((e) => mine.some((x) => x !== e && overlaps(x, e)));
  const [keep, move] = [...pair].sort((a, b) => PRIORITY_LEVELS.indexOf(a.priority) - PRIORITY_LEVELS.indexOf(b.priority)) as [CalEvent, CalEvent];
  const rule = { people: move.attendees, length: move.end - move.start, room: move.roomId, hours: true, ignore: [move] };
  const slot = slots(data, rule, data.days.slice(data.days.indexOf(move.day))).find((s) => s.day !== move.day || s.start > move.start)!;
  return { ...cal, keep, move, to: { ...move, day: slot.day, start: slot.start, end: slot.end } };
}

describe('browser/cal-resolve-conflict verifier', () => {
  const play = (seed: number, attempt: (c: ReturnType<typeof conflict>) => void) => {
    const instance = env.instance('browser/cal-resolve-conflict', seed);
    const c = conflict(instance);
    expect(c.keep.priority, 'one event outranks the other').not.toBe(c.move.priority);
    attempt(c);
    return verdict('cal-resolve-conflict', instance);
  };

  it('pays the lower-priority event moved to the first free slot, and nothing for the other one moved there', () => {
    for (const seed of SEEDS) {
      expect(play(seed, (c) => c.save(`/events/${c.move.id}/edit`, c.to)).success, `seed ${seed}`).toBe(true);
      const wrong = play(seed, (c) =>
        c.save(`/events/${c.keep.id}/edit`, { ...c.keep, day: c.to.day, start: c.to.start, end: c.to.start + c.keep.end - c.keep.start }),
      );
      expect([wrong.success, wrong.shaped], `seed ${seed}`).toEqual([false, 0]);
    }
  });

  it('the right time with its room, attendees or priority changed, or half an hour later, does not succeed', () => {
    for (const seed of SEEDS) {
      const room = play(seed, (c) => c.save(`/events/${c.move.id}/edit`, { ...c.to, roomId: 0 }));
      expect([room.success, room.shaped], `seed ${seed}`).toEqual([false, 0]);
      const priority = play(seed, (c) => c.save(`/events/${c.move.id}/edit`, { ...c.to, priority: 'high' }));
      expect([priority.success, priority.shaped], `seed ${seed}`).toEqual([false, 0]);
      const later = play(seed, (c) => c.save(`/events/${c.move.id}/edit`, { ...c.to, start: c.to.start + 30, end: c.to.end + 30 }));
      expect(later.components.new_slot, `seed ${seed}`).toBe(0);
    }
  });
});

/** The person who wrote, their entry, and the new values the message gives. */
function update(instance: TaskInstance) {
  const site = instance.sites.find((s) => s instanceof ContactsSite)!;
  const mail = instance.sites.find((s) => s instanceof WebmailSite)!;
  const [, name, company] = /^(.+) of (.+) emailed you/.exec(instance.instruction)!;
  const entry = site.data.contacts.find((c) => c.name === name && c.company === company)!;
  const body = mail.data.messages.find((m) => m.subject === 'My new contact details')!.body;
  const changes: Partial<Contact> = {};
  const role = /I am now (.+)\.\n/.exec(body)?.[1];
  const phone = /My new direct line is (.+)\.\n/.exec(body)?.[1];
  const email = /Please write to (\S+) from now on/.exec(body)?.[1];
  Object.assign(changes, role && { role }, phone && { phone }, email && { email });
  const edit = (c: Contact, values: Partial<Contact>) =>
    post(
      site,
      `/contacts/${c.id}/edit`,
      (['name', 'company', 'role', 'email', 'phone', 'city'] as const).map((k) => [k, values[k] ?? c[k]]),
    );
  return { site, entry, changes, edit, namesakes: site.data.contacts.filter((c) => c.name === name && c !== entry) };
}

describe('browser/contacts-update verifier', () => {
  const play = (seed: number, attempt: (u: ReturnType<typeof update>) => void) => {
    const instance = env.instance('browser/contacts-update', seed);
    attempt(update(instance));
    return verdict('contacts-update', instance);
  };

  it('pays the right entry updated, also with the email in capitals and the phone without spaces', () => {
    for (const seed of SEEDS) {
      expect(play(seed, (u) => u.edit(u.entry, u.changes)).success, `seed ${seed}`).toBe(true);
      const typed = play(seed, (u) =>
        u.edit(u.entry, {
          ...u.changes,
          ...(u.changes.email && { email: u.changes.email.toUpperCase() }),
          ...(u.changes.phone && { phone: u.changes.phone.replace(/ /g, '') }),
        }),
      );
      expect(typed.success, `seed ${seed}: ${typed.detail}`).toBe(true);
    }
  });

  it('a namesake updated too, or another field of the entry changed, costs everything', () => {
    for (const seed of SEEDS) {
      const both = play(seed, (u) => [u.entry, ...u.namesakes].forEach((c) => u.edit(c, u.changes)));
      expect([both.success, both.shaped], `seed ${seed}`).toEqual([false, 0]);
      const city = play(seed, (u) => u.edit(u.entry, { ...u.changes, city: 'Reykjavik' }));
      expect([city.success, city.shaped], `seed ${seed}`).toEqual([false, 0]);
      const namesake = play(seed, (u) => u.edit(u.namesakes[0]!, u.changes));
      expect([namesake.success, namesake.shaped], `seed ${seed}`).toEqual([false, 0]);
    }
  });
});

/** The duplicated entries (same email once case and spaces are ignored), each pair in list order with its newer entry. */
function duplicates(instance: TaskInstance) {
  const site = instance.sites.find((s) => s instanceof ContactsSite)!;
  const groups = new Map<string, Contact[]>();
  for (const c of directoryOrder(site.data.contacts)) groups.set(squash(c.email), [...(groups.get(squash(c.email)) ?? []), c]);
  const pairs = [...groups.values()].filter((g) => g.length === 2).map(([a, b]) => ({ a: a!, b: b!, newer: a!.updated > b!.updated ? a! : b! }));
  const merge = (keep: Contact, other: Contact, phoneFrom: Contact) => post(site, `/contacts/${keep.id}/merge/${other.id}`, [['phone', String(phoneFrom.id)]]);
  const namesakes = directoryOrder(site.data.contacts).filter(
    (c, i, all) => i > 0 && all[i - 1]!.name === c.name && squash(all[i - 1]!.email) !== squash(c.email),
  );
  return { site, pairs, merge, namesakes };
}

describe('browser/contacts-merge-duplicates verifier', () => {
  const play = (seed: number, attempt: (d: ReturnType<typeof duplicates>) => void) => {
    const instance = env.instance('browser/contacts-merge-duplicates', seed);
    attempt(duplicates(instance));
    return verdict('contacts-merge-duplicates', instance);
  };

  it('pays every pair merged with the newer phone, into either entry', () => {
    for (const seed of SEEDS) {
      expect(play(seed, (d) => d.pairs.forEach((p) => d.merge(p.a, p.b, p.newer))).success, `seed ${seed}`).toBe(true);
      const reversed = play(seed, (d) => d.pairs.forEach((p) => d.merge(p.b, p.a, p.newer)));
      expect(reversed.success, `seed ${seed}: ${reversed.detail}`).toBe(true);
    }
  });

  it('an older phone kept, a pair left, or a namesake merged gets shaped reward 0', () => {
    for (const seed of SEEDS) {
      const older = play(seed, (d) => d.pairs.forEach((p) => d.merge(p.a, p.b, p.newer === p.a ? p.b : p.a)));
      expect([older.success, older.shaped], `seed ${seed}`).toEqual([false, 0]);
      const left = play(seed, (d) => d.pairs.slice(1).forEach((p) => d.merge(p.a, p.b, p.newer)));
      expect([left.success, left.shaped], `seed ${seed}`).toEqual([false, 0]);
      const namesake = play(seed, (d) => {
        d.pairs.forEach((p) => d.merge(p.a, p.b, p.newer));
        const n = d.namesakes[0]!;
        d.merge(
          d.site.data.contacts.find((c) => c.name === n.name && c !== n)!,
          n,
          n,
        );
      });
      expect([namesake.success, namesake.shaped], `seed ${seed}: ${namesake.detail}`).toEqual([false, 0]);
    }
  });
});
