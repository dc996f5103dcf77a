import {
  act,
  CalendarSite,
  dayLabel,
  drawCalendar,
  openDay,
  overlaps,
  openWeek,
  readNext,
  seenTitled,
  span,
  submit,
  tableRows,
  type CalendarData,
  type CalEvent,
  type ExpertView,
  type Room,
} from '@workgym/env-browser/apps';
import { get } from '@workgym/env-spreadsheet/apps';
import type { Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { readTable, writeBlock } from './steps.js';
import { verdict, type FamilyDef, type WorkdayView } from './task.js';

const SHEET = 'Rooms';
const HOME = 'HQ';
const OTHER = 'Annex';
const CANCELLED = 'Cancelled: ';
const ROOM_NAMES = ['Aspen', 'Birch', 'Cedar', 'Elm', 'Maple', 'Oak', 'Pine', 'Willow'];
const TITLES = ['Standup', 'Design review', 'Planning', 'Customer call', 'Budget sync', 'Interview', 'Retro', 'Roadmap', 'Hiring sync', 'Vendor call'];
const LENGTHS = [30, 60, 90, 120];
/** A constant number of hours per room, entered without reading the calendar. */
const GUESSES: Record<string, number> = { zeros: 0, 'all-fours': 4 };
/**
 * The tier's knob: rooms the report lists, how many of them have a namesake in the other
 * building, HQ rooms the report leaves out, and bookings per room and day.
 */
const TIERS: Record<Difficulty, { listed: number; twins: number; unlisted: number; perDay: [number, number]; people: number }> = {
  easy: { listed: 2, twins: 1, unlisted: 1, perDay: [0, 2], people: 6 },
  medium: { listed: 3, twins: 2, unlisted: 2, perDay: [1, 2], people: 8 },
  hard: { listed: 4, twins: 3, unlisted: 2, perDay: [1, 3], people: 10 },
};

/** A booking as a room's week or a day view lists it: its time span and title. */
interface Booking {
  span: string;
  title: string;
}

const full = (name: string, building: string) => `${name} (${building})`;
const minutes = (span: string) => {
  const [from, to] = span.split('–').map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
  return to! - from!;
};
const isCancelled = (title: string) => title.startsWith(CANCELLED);

/**
 * What a strategy enters for a room from its bookings: hours of those not cancelled (all of them
 * when the cancellation is ignored), or a near-miss's count of bookings or minutes.
 */
function figure(bookings: readonly Booking[], strategy: string): number {
  const kept = strategy === 'relax:cancelled' ? bookings : bookings.filter((b) => !isCancelled(b.title));
  if (strategy === 'count-events') return kept.length;
  const total = kept.reduce((n, b) => n + minutes(b.span), 0);
  return strategy === 'minutes' ? total : total / 60;
}

export const roomUsageReport: FamilyDef = {
  name: 'room-usage-report',
  job: 'office-assistant',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    "Enter in the Rooms sheet the hours each HQ room is booked in the Team Calendar's week, leaving out cancelled events and the Annex building's rooms of the same names.",
  strategies: ['room-weeks', 'day-views'],
  nearMisses: ['count-events', 'minutes'],
  // The kit judges both apps whole: the Hours column is the task's one change (sheetChanges); any
  // other cell, or anything in the calendar, changed fails its no_collateral.
  collateral: true,
  components: [{ name: 'hours', kind: 'progress' }],
  conditions: ['building', 'cancelled'],
  guesses: Object.keys(GUESSES),
  generate(rng, _task, tier) {
    // Every listed room is booked, their hours differ (no constant is right), the Annex namesake
    // of some room is booked for other hours, some listed room has a cancelled booking, and some
    // room's count of bookings is not its hours.
    const { data, listed } = drawUntil(
      rng,
      (r) => drawWeek(r, tier),
      (w) => {
        const truth = w.listed.map((n) => figure(bookingsOf(w.data, full(n, HOME)), 'expert'));
        const twin = (n: string, s: string) => figure(bookingsOf(w.data, roomFor(w.data, n, 'relax:building')), s);
        return (
          truth.every((h) => h > 0) &&
          new Set(truth).size === truth.length &&
          w.listed.some((n, i) => twin(n, 'expert') !== truth[i]) &&
          w.listed.some((n, i) => figure(bookingsOf(w.data, full(n, HOME)), 'relax:cancelled') !== truth[i]) &&
          w.listed.some((n, i) => figure(bookingsOf(w.data, full(n, HOME)), 'count-events') !== truth[i])
        );
      },
    );
    const truth = listed.map((n) => figure(bookingsOf(data, full(n, HOME)), 'expert'));
    const site = new CalendarSite(data);
    const last = listed.length + 1;

    /** The pages a strategy reads: each listed room's week, or every day's view. */
    const reading = (view: ExpertView, strategy: string) => {
      if (strategy === 'day-views')
        return data.days.map((d) => ({ title: dayLabel(d), open: () => openDay(view, d, `Read ${dayLabel(d)}: every room's bookings that day.`) }));
      return listed.map((n) => {
        const room = roomFor(data, n, strategy);
        return {
          title: `Week of Room ${room}`,
          open: () => openWeek(view, `Room ${room}`, `The sheet lists ${n} of ${HOME}: the calendar names it ${room}.`),
        };
      });
    };
    /** The bookings of `room` on the pages the episode showed. */
    const shownBookings = (view: WorkdayView, room: string): Booking[] => {
      if (view.strategy === 'day-views')
        return data.days.flatMap((d) =>
          tableRows(seenTitled(view.page, dayLabel(d))[0]!.snapshot)
            .filter((r) => r.cells[3] === room)
            .map((r) => ({ span: r.cells[0]!, title: r.cells[1]! })),
        );
      return tableRows(seenTitled(view.page, `Week of Room ${room}`)[0]!.snapshot).map((r) => ({ span: r.cells[1]!, title: r.cells[2]! }));
    };

    return {
      instruction: `The ${SHEET} sheet lists meeting rooms of the ${HOME} building. In column C enter how many hours each is booked in the week the Team Calendar (http://calendar.test/) shows, as a number (1.5 for an hour and a half). The calendar names rooms with their building, and the ${OTHER} building has rooms of the same names. Cancelled events stay in the calendar with titles starting "${CANCELLED.trim()}": they do not count. Then submit.`,
      sites: [site],
      startUrl: 'http://calendar.test/week',
      sheets: [{ name: SHEET, rows: [['Room', 'Building', 'Hours booked'], ...listed.map((n) => [n, HOME])] }],
      focus: SHEET,
      sheetChanges: [`${SHEET}!C2:C${last}`],
      distractors: [],
      expert(view) {
        const read = readTable(view, SHEET, `A1:C${last}`, 'Read the Rooms sheet to see which rooms the report asks for.');
        if (read) return read;
        const guess = GUESSES[view.strategy.replace(/^guess:/, '')];
        if (guess === undefined) {
          const next = readNext(view.page, reading(view.page, view.strategy));
          if (next) return next;
        }
        const values = listed.map((n) => [guess ?? figure(shownBookings(view, roomFor(data, n, view.strategy)), view.strategy)]);
        if (values.every((v, i) => get(view.sheet.wb, `${SHEET}!C${i + 2}`) === v[0])) return act(submit(), 'Every room of the sheet has its hours: submit.');
        if (guess !== undefined)
          return writeBlock(SHEET, { corner: 'C2', from: ['column C'] }, values, listed, 'a typical week', 'Put a typical number of hours on every room.');
        return writeRooms(view, values);
      },
      verify({ wb }) {
        const wrong = listed.flatMap((n, i) => {
          const v = get(wb, `${SHEET}!C${i + 2}`);
          return v === truth[i] ? [] : [`${n} ${JSON.stringify(v)} (expected ${truth[i]})`];
        });
        return verdict({ hours: wrong.length === 0 ? 1 : 0 }, wrong.length === 0 ? 'every room right' : `wrong: ${wrong.join(', ')}`);
      },
    };

    /** The hours into column C, each derived from the bookings shown for its room. */
    function writeRooms(view: WorkdayView, values: number[][]): ExpertStep {
      const rooms = listed.map((n) => roomFor(data, n, view.strategy));
      const sources = rooms.flatMap((room) => [room, ...shownBookings(view, room).flatMap((b) => [b.span, b.title])]);
      const counted = view.strategy === 'relax:cancelled' ? 'every booking' : `the bookings not titled "${CANCELLED.trim()}…"`;
      return writeBlock(
        SHEET,
        { corner: 'C2', from: ['column C'] },
        values,
        sources,
        `the lengths of ${counted} of each room, added up (in hours)`,
        `The calendar showed ${rooms.map((r, i) => `${values[i]![0]} for ${r}`).join(', ')}: enter them.`,
      );
    }
  },
};

/** The calendar's room a strategy takes for a listed room: the HQ one, or its Annex namesake when the building is ignored. */
function roomFor(data: CalendarData, name: string, strategy: string): string {
  const twin = full(name, OTHER);
  return strategy === 'relax:building' && data.rooms.some((r) => r.name === twin) ? twin : full(name, HOME);
}

/** A room's bookings as its week lists them. */
function bookingsOf(data: CalendarData, room: string): Booking[] {
  const id = data.rooms.find((r) => r.name === room)?.id;
  return data.events.filter((e) => e.roomId === id).map((e) => ({ span: span(e), title: e.title }));
}

/** A week of room bookings: the listed HQ rooms, Annex namesakes of some, other HQ rooms; some bookings cancelled. */
function drawWeek(rng: Rng, tier: Difficulty): { data: CalendarData; listed: string[] } {
  const t = TIERS[tier];
  const names = rng.sample(ROOM_NAMES, t.listed + t.unlisted);
  const listed = names.slice(0, t.listed);
  const twins = rng.sample(listed, t.twins);
  const roomNames = [...names.map((n) => full(n, HOME)), ...twins.map((n) => full(n, OTHER))].sort();
  // The kit's week and people; the rooms are this task's, named with their building.
  const data = drawCalendar(rng, { people: t.people, perDay: [0, 0] });
  data.rooms = roomNames.map((name, i): Room => ({ id: i + 1, name, seats: rng.pick([4, 6, 8, 10, 12]) }));
  const { rooms, days } = data;
  for (const room of rooms) {
    for (const day of days) {
      for (let n = rng.int(...t.perDay); n > 0; n--) {
        const length = rng.pick(LENGTHS);
        const start = 9 * 60 + rng.int(0, (8 * 60 - length) / 30) * 30;
        const at = { day, start, end: start + length };
        if (data.events.some((e) => e.roomId === room.id && overlaps(e, at))) continue;
        const event: CalEvent = {
          id: data.events.length + 1,
          title: `${rng.next() < 0.2 ? CANCELLED : ''}${rng.pick(TITLES)}`,
          day,
          start,
          end: start + length,
          attendees: rng
            .sample(data.people, rng.int(1, 3))
            .map((p) => p.id)
            .sort((a, b) => a - b),
          roomId: room.id,
          priority: rng.pick(['high', 'normal', 'low'] as const),
        };
        data.events.push(event);
      }
    }
  }
  return { data, listed };
}
