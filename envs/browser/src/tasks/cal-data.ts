// The calendar families' world: a work week of people and rooms with their meetings, and the
// slot rules both families judge by (everyone free, a room free and big enough, working hours).
import { overlaps, PRIORITY_LEVELS, type CalendarData, type CalEvent, type Room } from '../sites/calendar.js';
import { FIRST_NAMES, LAST_NAMES, type Rng } from './rng.js';

export const WORK_START = 9 * 60;
export const WORK_END = 17 * 60;
/** What the form offers: starts from 07:00, ends by 20:00. */
const FORM_START = 7 * 60;
const FORM_END = 20 * 60;
const ROOM_NAMES = ['Aspen', 'Birch', 'Cedar', 'Elm', 'Maple', 'Oak', 'Pine', 'Willow'];
const TITLES = [
  'Standup',
  'Design review',
  '1:1',
  'Planning',
  'Customer call',
  'Budget sync',
  'Interview',
  'Retro',
  'Roadmap',
  'Hiring sync',
  'Demo prep',
  'Vendor call',
];

/** How full the week is: events per person and day. */
export interface Busyness {
  people: number;
  perDay: [number, number];
}

/** The Monday to Friday of a random week of 2026. */
function week(rng: Rng): string[] {
  const monday = Date.UTC(2026, 0, 5) + rng.int(0, 45) * 7 * 86_400_000;
  return Array.from({ length: 5 }, (_, i) => new Date(monday + i * 86_400_000).toISOString().slice(0, 10));
}

/** A week of meetings in working hours; nobody and no room is booked twice at once. */
export function drawCalendar(rng: Rng, busy: Busyness): CalendarData {
  const names = rng.sample(
    FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`)),
    busy.people,
  );
  const people = names.map((name, i) => ({ id: i + 1, name }));
  const seats = rng.shuffle([4, 4, 6, 6, 8, 10, 12]);
  const rooms: Room[] = rng
    .sample(ROOM_NAMES, seats.length)
    .sort()
    .map((name, i) => ({ id: i + 1, name, seats: seats[i]! }));
  const data: CalendarData = { days: week(rng), people, rooms, events: [] };
  for (const p of people) {
    for (const day of data.days) {
      for (let n = rng.int(...busy.perDay); n > 0; n--) {
        const length = rng.pick([30, 60, 60, 90]);
        const start = WORK_START + rng.int(0, (WORK_END - WORK_START - length) / 30) * 30;
        const others = rng.sample(
          people.filter((o) => o !== p),
          rng.int(0, 2),
        );
        const event: CalEvent = {
          id: data.events.length + 1,
          title: rng.pick(TITLES),
          day,
          start,
          end: start + length,
          attendees: [p, ...others].map((o) => o.id).sort((a, b) => a - b),
          roomId: rng.next() < 0.6 ? rng.pick(rooms).id : 0,
          priority: rng.pick(PRIORITY_LEVELS),
        };
        if (fits(data, event)) data.events.push(event);
      }
    }
  }
  return data;
}

/** Nobody of `event` and not its room is busy then (events in `ignore` aside). */
export function fits(data: CalendarData, event: Omit<CalEvent, 'id' | 'title' | 'priority'>, ignore: readonly CalEvent[] = []): boolean {
  return data.events.every(
    (e) =>
      ignore.includes(e) || !overlaps(e, event) || (!e.attendees.some((a) => event.attendees.includes(a)) && (event.roomId === 0 || e.roomId !== event.roomId)),
  );
}

/** A slot the rules below accept: a day, a start and the room booked. */
export interface Slot {
  day: string;
  start: number;
  end: number;
  roomId: number;
}

/** What a slot must satisfy; a relaxation drops one part. */
export interface SlotRule {
  /** Who must be free. */
  people: readonly number[];
  length: number;
  /** Seats the room needs (0: any room); `room` instead fixes the room. */
  seats?: number;
  room?: number;
  /** Working hours (false: anything the form offers). */
  hours: boolean;
  /** Events that do not count as busy (the one being moved). */
  ignore?: readonly CalEvent[];
}

/** The first room in the form's order that the rule allows and is free then, if any. */
export function freeRoom(data: CalendarData, rule: SlotRule, day: string, start: number): number | undefined {
  const at = { day, start, end: start + rule.length };
  const busy = (e: CalEvent) => !rule.ignore?.includes(e) && overlaps(e, at);
  if (data.events.some((e) => busy(e) && e.attendees.some((a) => rule.people.includes(a)))) return undefined;
  if (rule.room !== undefined) return rule.room === 0 || !data.events.some((e) => busy(e) && e.roomId === rule.room) ? rule.room : undefined;
  return data.rooms.find((r) => r.seats >= (rule.seats ?? 0) && !data.events.some((e) => busy(e) && e.roomId === r.id))?.id;
}

/** Every slot start of a day under the rule, earliest first. */
function starts(rule: SlotRule): number[] {
  const [from, to] = rule.hours ? [WORK_START, WORK_END] : [FORM_START, FORM_END];
  return Array.from({ length: (to - from - rule.length) / 30 + 1 }, (_, i) => from + i * 30);
}

/** Slots on `days` in the given order (each day's starts earliest first, or latest first with `latest`). */
export function slots(data: CalendarData, rule: SlotRule, days: readonly string[], latest = false): Slot[] {
  const found: Slot[] = [];
  for (const day of days) {
    const times = latest ? starts(rule).reverse() : starts(rule);
    for (const start of times) {
      const roomId = freeRoom(data, rule, day, start);
      if (roomId !== undefined) found.push({ day, start, end: start + rule.length, roomId });
    }
  }
  return found;
}

export function sameTime(a: Omit<Slot, 'roomId'> | undefined, b: Omit<Slot, 'roomId'> | undefined): boolean {
  return !!a && !!b && a.day === b.day && a.start === b.start && a.end === b.end;
}
