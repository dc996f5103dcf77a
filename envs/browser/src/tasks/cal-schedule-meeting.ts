import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { CalendarSite, clock, dayLabel, overlaps, span, type CalendarData, type CalEvent, type CalPerson } from '../sites/calendar.js';
import { recordsAdded } from '../sites/state.js';
import { drawCalendar, sameTime, slots, WORK_END, WORK_START, type Busyness, type Slot, type SlotRule } from './cal-data.js';
import { openDay, openWeek, readNext, slotFields } from './cal-expert.js';
import { act, fillForm, leave, list, submit, type ExpertView, type FormField } from './expert-kit.js';
import type { Rng } from './rng.js';
import { norm, verification, type FamilyDef } from './task.js';

/**
 * Every named attendee's calendar is a condition: the first, the second, the next-to-last and the
 * last named cover all of them in every tier (2 to 4 attendees; with fewer, two name the same one).
 */
const ATTENDEES = ['attendee-1', 'attendee-2', 'attendee-next-to-last', 'attendee-last'] as const;
const CONDITIONS = [...ATTENDEES, 'length', 'room_capacity', 'deadline'] as const;
/** Book a fixed slot without reading a calendar: the deadline day's last or first, or Monday's first. */
const GUESSES = ['deadline-last-slot', 'deadline-first-slot', 'monday-first-slot'] as const;
const BUSY = ['Focus time', 'Client visit', 'Workshop', 'Training', 'Site visit'];
const MEETINGS = ['Quarterly review prep', 'Launch go/no-go', 'Pricing workshop', 'Incident postmortem', 'Partner onboarding', 'Offsite planning'];
/** The tier's knob: attendees to fit, how full the week is, the lengths asked. */
const TIERS: Record<Difficulty, { attendees: number; busy: Busyness; lengths: number[] }> = {
  easy: { attendees: 2, busy: { people: 8, perDay: [1, 2] }, lengths: [60] },
  medium: { attendees: 3, busy: { people: 10, perDay: [1, 3] }, lengths: [60, 90] },
  hard: { attendees: 4, busy: { people: 12, perDay: [2, 3] }, lengths: [60, 90] },
};

interface Meeting {
  data: CalendarData;
  attendees: CalPerson[];
  length: number;
  seats: number;
  /** Index of the last day allowed. */
  deadline: number;
  title: string;
}

export const calScheduleMeeting: FamilyDef = {
  name: 'cal-schedule-meeting',
  job: 'office-assistant',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Book a meeting of a given length for named attendees in the latest slot by a deadline day where all of them are free, in working hours, in a free room with enough seats.',
  strategies: ['person-weeks', 'day-views'],
  nearMisses: ['book-twice'],
  // The kit judges the whole calendar: the events booked are the task's changes (recordsAdded);
  // how many, the family judges.
  collateral: true,
  // The right time first (it needs every calendar read), then a fitting room, the invitees and
  // the title; one new event.
  components: [
    { name: 'slot', kind: 'progress' },
    { name: 'room', kind: 'progress' },
    { name: 'attendees', kind: 'progress' },
    { name: 'title', kind: 'progress' },
    { name: 'one_new_event', kind: 'guard' },
  ],
  conditions: CONDITIONS,
  guesses: GUESSES,
  generate(rng, _task, tier) {
    // Ignoring any one attendee's calendar, the length, the room's seats or the deadline books
    // another time; so does each fixed guess.
    const m = drawUntil(
      rng,
      (r) => drawMeeting(r, tier),
      (d) => {
        const target = choose(d, 'expert')[0];
        return !!target && [...CONDITIONS.map((c) => `relax:${c}`), ...GUESSES.map((g) => `guess:${g}`)].every((s) => !sameTime(choose(d, s)[0], target));
      },
    );
    const { data, attendees, length, seats, title } = m;
    // Plans are made on the week as it starts: the strategy's own bookings must not move them.
    const initial = structuredClone(m);
    const target = choose(initial, 'expert')[0]!;
    const ids = attendees.map((p) => p.id);
    const startIds = new Set(data.events.map((e) => e.id));
    const deadline = data.days[m.deadline]!;
    const site = new CalendarSite(data);
    const names = attendees.map((p) => p.name);

    /** The pages a strategy reads before booking `slot`: the calendars that decide it. */
    const reading = (view: ExpertView, slot: Slot) => {
      const last = Math.max(m.deadline, data.days.indexOf(slot.day));
      const days = data.days.slice(data.days.indexOf(slot.day), last + 1).reverse();
      const day = (d: string) => ({ title: dayLabel(d), open: () => openDay(view, d, `Read ${dayLabel(d)}: who is busy when and which rooms are taken.`) });
      const rooms = { title: 'Rooms', open: () => leave(view, 'Rooms', 'The rooms list says how many seats each room has') };
      // A relaxation or a guess is judged by what it books: it reads nothing (a shorter episode).
      if (/^(guess|relax):/.test(view.strategy)) return [];
      if (view.strategy === 'day-views') return [rooms, ...days.map(day)];
      const weeks = names.map((n) => ({ title: `Week of ${n}`, open: () => openWeek(view, n, `Read the week of ${n}, an attendee.`) }));
      return [...weeks, rooms, day(slot.day)];
    };

    const book = (view: ExpertView, slot: Slot): ExpertStep => {
      const read = readNext(view, reading(view, slot));
      if (read) return read;
      if (view.snapshot.title !== 'New event') return leave(view, 'New event', `Everything needed is read: create the event`);
      const busy = data.events.filter((e) => startIds.has(e.id) && e.day === slot.day && e.attendees.some((a) => ids.includes(a)));
      const why = `${list(names)} are all free ${dayLabel(slot.day)} ${span(slot)}: the latest slot of ${length} minutes by ${dayLabel(deadline)}.`;
      const fields: FormField[] = [
        { label: 'Title', value: title, why: `The meeting is "${title}".` },
        ...slotFields(data, slot, why, busy),
        ...names.map((n): FormField => ({ label: n, value: 'true', kind: 'check', why: `Invite ${n}.` })),
      ];
      return fillForm(view.snapshot, fields, 'Save event', `The form holds the title, ${dayLabel(slot.day)} ${span(slot)}, the room and the attendees: save.`);
    };

    return {
      instruction: `Schedule "${title}", ${length} minutes, with ${list(names)} in the Team Calendar. It must be in working hours (${clock(WORK_START)}–${clock(WORK_END)}), on ${dayLabel(deadline)} or earlier, in a room with at least ${seats} seats that is free then, and everyone must be free. Take the latest slot that works (as close to the deadline as possible), invite exactly these people, then submit.`,
      sites: [site],
      startUrl: 'http://calendar.test/week',
      expert(view) {
        const plan = choose(initial, view.strategy);
        const created = data.events.filter((e) => !startIds.has(e.id)).length;
        const next = plan[created];
        if (!next) return act(submit(), `"${title}" is booked: submit.`);
        return book(view, next);
      },
      expectsChange: recordsAdded(site, 'events'),
      verify() {
        const added = data.events.filter((e) => !startIds.has(e.id));
        const e = added.find((x) => norm(x.title) === norm(title)) ?? added[0];
        const room = data.rooms.find((r) => r.id === e?.roomId);
        const components = {
          slot: sameTime(e, target) ? 1 : 0,
          room: e && room && room.seats >= seats && !data.events.some((x) => x !== e && x.roomId === room.id && overlaps(x, e)) ? 1 : 0,
          attendees: e && [...e.attendees].sort((a, b) => a - b).join() === [...ids].sort((a, b) => a - b).join() ? 1 : 0,
          title: e && norm(e.title) === norm(title) ? 1 : 0,
          one_new_event: added.length <= 1 ? 1 : 0,
        };
        const got = e ? `${e.title} ${dayLabel(e.day)} ${span(e)} room ${room?.name ?? 'none'} with ${e.attendees.join(',')}` : 'no new event';
        return verification(components, `${got}; expected ${dayLabel(target.day)} ${span(target)}, ${seats}+ seats, ${ids.join(',')} (${added.length} new)`);
      },
    };
  },
};

/**
 * A week where the latest free slot is drawn on the deadline day (where the pieces below fit
 * after it) or on the day before (anywhere; the attendees meet together after it), and the
 * deadline day after it is taken in one piece per attendee and one for the rooms, each at least
 * the meeting's length, in a drawn order: in each piece one attendee busy, or every room big
 * enough booked (a smaller one free). So dropping any attendee or the seats finds a later slot.
 */
function drawMeeting(rng: Rng, tier: Difficulty): Meeting {
  const t = TIERS[tier];
  const data = drawCalendar(rng, t.busy);
  const attendees = rng.sample(data.people, t.attendees);
  const length = rng.pick(t.lengths);
  const seats = rng.pick([8, 10]);
  const deadline = rng.int(2, 3);
  const pieces = attendees.length + 1;
  const onDeadline = rng.next() < 0.5 && (pieces + 1) * length <= WORK_END - WORK_START;
  const [day, last] = [data.days[deadline - (onDeadline ? 0 : 1)]!, data.days[deadline]!];
  const ids = attendees.map((p) => p.id);
  const big = data.rooms.filter((r) => r.seats >= seats).map((r) => r.id);
  const target = WORK_START + rng.int(0, (WORK_END - WORK_START - (onDeadline ? pieces + 1 : 1) * length) / 30) * 30;
  // Nobody invited and no big room is busy from the target on, but for the events planted below.
  const taken = (e: CalEvent) => e.attendees.some((a) => ids.includes(a)) || big.includes(e.roomId);
  data.events = data.events.filter((e) => !taken(e) || (e.day !== day && e.day !== last) || (e.day === day && e.end <= target));
  const bystanders = data.people.filter((p) => !ids.includes(p.id)).map((p) => p.id);
  const busy = (start: number, end: number, people: number[], roomId: number) =>
    data.events.push({ id: 0, title: rng.pick(BUSY), day: last, start, end, attendees: people.sort((a, b) => a - b), roomId, priority: 'normal' });
  let from = onDeadline ? target + length : WORK_START;
  if (!onDeadline && target + length < WORK_END)
    data.events.push({ id: 0, title: 'Team offsite', day, start: target + length, end: WORK_END, attendees: [...ids], roomId: 0, priority: 'high' });
  // The half hours left over, cut at drawn points among the pieces.
  const spare = (WORK_END - from - pieces * length) / 30;
  const cuts = [0, ...Array.from({ length: pieces - 1 }, () => rng.int(0, spare)).sort((a, b) => a - b), spare];
  const order = rng.shuffle(Array.from({ length: pieces }, (_, i) => i));
  for (const [i, piece] of order.entries()) {
    const to = from + length + (cuts[i + 1]! - cuts[i]!) * 30;
    if (piece < ids.length) busy(from, to, [ids[piece]!, rng.pick(bystanders)], 0);
    else for (const roomId of big) busy(from, to, [rng.pick(bystanders)], roomId);
    from = to;
  }
  data.events.forEach((e, i) => (e.id = i + 1));
  return { data, attendees, length, seats, deadline, title: rng.pick(MEETINGS) };
}

/** The events a strategy books, in order: the latest slot under its rule (one dropped for a relaxation), or a fixed guess. */
function choose(m: Meeting, strategy: string): Slot[] {
  const ids = m.attendees.map((p) => p.id);
  const bigEnough = m.data.rooms.find((r) => r.seats >= m.seats)!.id;
  if (strategy === 'guess:deadline-last-slot') return [{ day: m.data.days[m.deadline]!, start: WORK_END - m.length, end: WORK_END, roomId: bigEnough }];
  if (strategy === 'guess:deadline-first-slot') return [{ day: m.data.days[m.deadline]!, start: WORK_START, end: WORK_START + m.length, roomId: bigEnough }];
  if (strategy === 'guess:monday-first-slot') return [{ day: m.data.days[0]!, start: WORK_START, end: WORK_START + m.length, roomId: bigEnough }];
  const rule: SlotRule = { people: ids, length: m.length, seats: m.seats, hours: true };
  let lastDay = m.deadline;
  const dropped = droppedAttendee(strategy, ids.length);
  if (dropped !== undefined) rule.people = ids.filter((_, i) => i !== dropped);
  if (strategy === 'relax:length') rule.length = 30;
  if (strategy === 'relax:room_capacity') rule.seats = 0;
  if (strategy === 'relax:deadline') lastDay = m.data.days.length - 1;
  const latest = slots(m.data, rule, m.data.days.slice(0, lastDay + 1).reverse(), true)[0];
  if (!latest) return [];
  if (strategy !== 'book-twice') return [latest];
  return [latest, ...choose(m, 'guess:deadline-last-slot')];
}

/** The index of the attendee a relaxation drops (in the instruction's order), if it drops one. */
function droppedAttendee(strategy: string, count: number): number | undefined {
  const at: Record<(typeof ATTENDEES)[number], number> = { 'attendee-1': 0, 'attendee-2': 1, 'attendee-next-to-last': count - 2, 'attendee-last': count - 1 };
  const name = strategy.slice('relax:'.length);
  return strategy.startsWith('relax:') && name in at ? at[name as keyof typeof at] : undefined;
}
