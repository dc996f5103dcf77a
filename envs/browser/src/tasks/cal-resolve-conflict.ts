import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { CalendarSite, clock, dayLabel, overlaps, span, type CalendarData, type CalEvent, type CalPerson, type Priority } from '../sites/calendar.js';
import { drawCalendar, sameTime, slots, WORK_END, WORK_START, type Busyness, type Slot, type SlotRule } from './cal-data.js';
import { openDay, openWeek, readNext, slotFields } from './cal-expert.js';
import { act, click, fillForm, findNode, list, submit, type ExpertView } from './expert-kit.js';
import type { Rng } from './rng.js';
import { verification, type FamilyDef } from './task.js';

const CONDITIONS = ['priority', 'attendees', 'room', 'working_hours'] as const;
/** Move the event by a fixed step without reading a calendar. */
const GUESSES = ['next-day-same-time', 'one-hour-later'] as const;
const IMPORTANT = ['Client escalation call', 'Board prep', 'Contract signing', 'Investor update', 'Release readiness'];
const MOVABLE = ['Team lunch and learn', 'Tooling demo', 'Book club', 'Office hours', 'Coffee chat'];
/** The tier's knob: attendees of the event to move besides the double-booked person, how full the week is, whether the instruction names the day. */
const TIERS: Record<Difficulty, { others: number; busy: Busyness; namesDay: boolean }> = {
  easy: { others: 1, busy: { people: 8, perDay: [1, 2] }, namesDay: true },
  medium: { others: 2, busy: { people: 10, perDay: [1, 3] }, namesDay: true },
  hard: { others: 3, busy: { people: 12, perDay: [2, 3] }, namesDay: false },
};
const PAIRS: [Priority, Priority][] = [
  ['high', 'normal'],
  ['high', 'low'],
  ['normal', 'low'],
];

interface Conflict {
  data: CalendarData;
  person: CalPerson;
  /** The event that stays (higher priority) and the one that moves. */
  keep: CalEvent;
  move: CalEvent;
}

export const calResolveConflict: FamilyDef = {
  name: 'cal-resolve-conflict',
  job: 'office-assistant',
  difficulty: 'hard',
  tiers: ['easy', 'medium', 'hard'],
  heldOut: true,
  description:
    'Someone is double-booked: move the lower-priority event to the first later slot where its attendees and its room are free, in working hours, keeping everything else.',
  strategies: ['day-views', 'person-weeks'],
  nearMisses: ['move-both'],
  // The kit judges the whole calendar: the event that moves is the task's one change (expectsChange).
  collateral: true,
  // The moved event at the right time; its own details only take away.
  components: [
    { name: 'new_slot', kind: 'progress' },
    { name: 'event_details_kept', kind: 'guard' },
  ],
  conditions: CONDITIONS,
  guesses: GUESSES,
  generate(rng, _task, tier) {
    // Ignoring its attendees', its room's calendar or working hours moves it elsewhere, and so does either fixed step.
    const c = drawUntil(
      rng,
      (r) => drawConflict(r, tier),
      (d) => {
        const target = plan(d, 'expert').slot;
        return (
          !!target && [...CONDITIONS.slice(1).map((x) => `relax:${x}`), ...GUESSES.map((g) => `guess:${g}`)].every((s) => !sameTime(plan(d, s).slot, target))
        );
      },
    );
    const initial = structuredClone(c);
    const { data, person, keep, move } = c;
    const target = plan(initial, 'expert').slot!;
    const original = { ...move };
    const count = data.events.length;
    const site = new CalendarSite(data);
    const namesDay = TIERS[tier].namesDay;
    const people = (e: CalEvent) => e.attendees.map((id) => data.people.find((p) => p.id === id)!.name);

    /** The way to an event's page: its link on the page shown, or its day's view first. */
    const openEvent = (view: ExpertView, e: CalEvent, why: string): ExpertStep => {
      const link = findNode(view.snapshot, 'link', e.title);
      return link ? act(click(link), why) : openDay(view, e.day, `${dayLabel(e.day)} lists "${e.title}"`);
    };

    /** What a strategy reads before moving `event` to `slot`: where the overlap is, both events' priorities, then the calendars that decide the slot. */
    const reading = (view: ExpertView, event: CalEvent, slot: Slot) => {
      const both = [keep, move].map((e) => ({ title: e.title, open: () => openEvent(view, e, `Open "${e.title}" to see its priority.`) }));
      const day = (d: string) => ({ title: dayLabel(d), open: () => openDay(view, d, `Read ${dayLabel(d)}: who is busy when and which rooms are taken.`) });
      const from = namesDay ? data.days.indexOf(move.day) : 0;
      const to = Math.max(data.days.indexOf(slot.day), data.days.indexOf(move.day));
      // A relaxation or a guess is judged by where the event ends up: it reads nothing (a shorter episode).
      if (/^(guess|relax):/.test(view.strategy)) return [];
      // Without the day named, the days are read from Monday until the overlap shows.
      const upTo = data.days.slice(from, data.days.indexOf(move.day) + 1).map(day);
      if (view.strategy !== 'person-weeks') return [...upTo, ...both, ...data.days.slice(from, to + 1).map(day)];
      const room = data.rooms.find((r) => r.id === event.roomId);
      const weeks = [person.name, ...people(event).filter((n) => n !== person.name), ...(room ? [`Room ${room.name}`] : [])].map((who) => ({
        title: `Week of ${who}`,
        open: () => openWeek(view, who, `Read the week of ${who}.`),
      }));
      return [weeks[0]!, ...both, ...weeks.slice(1)];
    };

    const moveTo = (view: ExpertView, event: CalEvent, slot: Slot): ExpertStep => {
      const read = readNext(view, reading(view, event, slot));
      if (read) return read;
      if (view.snapshot.title === `Edit ${event.title}`) {
        const busy = initial.data.events.filter(
          (e) => e.day === slot.day && (e.attendees.some((a) => event.attendees.includes(a)) || e.roomId === event.roomId),
        );
        const why = `${list(people(event))} and the room are free ${dayLabel(slot.day)} ${span(slot)}, the first such slot after ${clock(event.start)}.`;
        // Only the time changes: the room and the attendees stay as the form shows them.
        const fields = slotFields(data, { ...slot, roomId: 0 }, why, busy);
        return fillForm(view.snapshot, fields, 'Save event', `"${event.title}" is set to ${dayLabel(slot.day)} ${span(slot)}: save.`);
      }
      if (view.snapshot.title === event.title) return act(click(findNode(view.snapshot, 'link', 'Edit event')!), `Edit "${event.title}" to move it.`);
      return openEvent(view, event, `Open "${event.title}" to move it.`);
    };

    return {
      instruction: `${person.name} is double-booked ${namesDay ? `on ${dayLabel(move.day)} at ${clock(Math.max(keep.start, move.start))}` : 'this week (two events overlap)'}. Our rule: of two overlapping events, the one with the lower priority moves (high, then normal, then low). Move it to the first slot after its current start where all its attendees and its room are free, within working hours (${clock(WORK_START)}–${clock(WORK_END)}), keeping its length, room and attendees. Change nothing else, then submit.`,
      sites: [site],
      startUrl: 'http://calendar.test/week',
      expert(view) {
        const steps = plan(initial, view.strategy).moves;
        for (const [id, slot] of steps) {
          const event = data.events.find((e) => e.id === id)!;
          if (!sameTime(event, slot)) return moveTo(view, event, slot);
        }
        return act(submit(), `The overlap is resolved as the rule says: submit.`);
      },
      expectsChange: (key) => key === `site:calendar/events/${move.id}`,
      verify() {
        const kept =
          move.title === original.title &&
          move.roomId === original.roomId &&
          move.priority === original.priority &&
          move.attendees.join() === original.attendees.join();
        const components = {
          new_slot: sameTime(move, target) ? 1 : 0,
          event_details_kept: kept ? 1 : 0,
        };
        return verification(
          components,
          `"${move.title}" at ${dayLabel(move.day)} ${span(move)}; expected ${dayLabel(target.day)} ${span(target)} (${data.events.length - count} new events)`,
        );
      },
    };
  },
};

/**
 * A week where `person` has exactly one overlap: an important event and a movable one of lower
 * priority with 1..3 more attendees and its room, in the afternoon of Monday to Thursday.
 */
function drawConflict(rng: Rng, tier: Difficulty): Conflict {
  const t = TIERS[tier];
  const data = drawCalendar(rng, t.busy);
  const person = rng.pick(data.people);
  const day = data.days[rng.int(0, 3)]!;
  const [high, low] = rng.pick(PAIRS);
  const length = rng.pick([30, 60, 90]);
  const start = rng.int(26, (WORK_END - length) / 30) * 30;
  const [ownRoom, otherRoom] = rng.sample(data.rooms, 2);
  const others = rng.sample(
    data.people.filter((p) => p !== person),
    t.others + 1,
  );
  const move: CalEvent = {
    id: 0,
    title: rng.pick(MOVABLE),
    day,
    start,
    end: start + length,
    attendees: [person, ...others.slice(1)].map((p) => p.id).sort((a, b) => a - b),
    roomId: ownRoom!.id,
    priority: low,
  };
  const keepStart = start + rng.int(-1, length > 30 ? 1 : 0) * 30;
  const keep: CalEvent = {
    id: 0,
    title: rng.pick(IMPORTANT),
    day,
    start: keepStart,
    end: Math.max(keepStart + 60, start + 30),
    attendees: [person, others[0]!].map((p) => p.id).sort((a, b) => a - b),
    roomId: rng.next() < 0.5 ? otherRoom!.id : 0,
    priority: high,
  };
  // Whatever else overlaps either event for one of their people or rooms gives way: the overlap is the only one.
  data.events = data.events.filter((e) =>
    [move, keep].every((x) => !overlaps(e, x) || (!e.attendees.some((a) => x.attendees.includes(a)) && (x.roomId === 0 || e.roomId !== x.roomId))),
  );
  const both = rng.shuffle([move, keep]);
  data.events.push(...both);
  data.events.forEach((e, i) => (e.id = i + 1));
  return { data, person, keep, move };
}

/** What a strategy does: the events it moves, each to its slot (`slot`: where the rule puts the lower-priority one). */
function plan(c: Conflict, strategy: string): { slot: Slot | undefined; moves: [number, Slot][] } {
  const event = strategy === 'relax:priority' ? c.keep : c.move;
  const at = c.data.days.indexOf(event.day);
  if (strategy === 'guess:next-day-same-time' || strategy === 'guess:one-hour-later') {
    const slot = strategy === 'guess:one-hour-later' ? shift(event, event.day, 60) : shift(event, c.data.days[at + 1]!, 0);
    return { slot, moves: [[event.id, slot]] };
  }
  const rule: SlotRule = { people: event.attendees, length: event.end - event.start, room: event.roomId, hours: true, ignore: [event] };
  if (strategy === 'relax:attendees') rule.people = [c.person.id];
  if (strategy === 'relax:room') rule.room = 0;
  if (strategy === 'relax:working_hours') rule.hours = false;
  const slot = slots(c.data, rule, c.data.days.slice(at)).find((s) => s.day !== event.day || s.start > event.start);
  if (!slot) return { slot, moves: [] };
  const moves: [number, Slot][] = [[event.id, slot]];
  if (strategy === 'move-both') moves.push([c.keep.id, shift(c.keep, c.keep.day, 60)]);
  return { slot, moves };
}

function shift(e: CalEvent, day: string, minutes: number): Slot {
  return { day, start: e.start + minutes, end: e.end + minutes, roomId: e.roomId };
}
