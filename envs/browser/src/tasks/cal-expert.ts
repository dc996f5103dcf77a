// How calendar experts read the Team Calendar: a person's or room's week, a day's view, the
// rooms list, and the event form they fill.
import type { ExpertStep } from '@workgym/protocol/kit';
import { clock, dayLabel, roomLabel, span, type CalendarData, type CalEvent } from '../sites/calendar.js';
import { act, click, fillForm, findNode, leave, type ExpertView, type FormField } from './expert-kit.js';
import type { Slot } from './cal-data.js';

/** Has the episode shown a page with this title? */
export function shown(view: ExpertView, title: string): boolean {
  return view.seen.some((p) => p.snapshot.title === title);
}

/** The way to the week of `who` (a person's name, or "Room <name>"): the week page's picker. */
export function openWeek(view: ExpertView, who: string, why: string): ExpertStep {
  if (!findNode(view.snapshot, 'combobox', 'Calendar of')) return leave(view, 'Week', `The week page shows anyone's calendar`);
  return fillForm(view.snapshot, [{ label: 'Calendar of', value: who, kind: 'select', why }], 'Show calendar', `Show the week of ${who}.`);
}

/** The way to a day's view: its link in the days bar of the week and day pages. */
export function openDay(view: ExpertView, day: string, why: string): ExpertStep {
  const link = findNode(view.snapshot, 'link', dayLabel(day));
  return link ? act(click(link), why) : leave(view, 'Week', `The week page links every day`);
}

/** The first page of `pages` (titles, in reading order) the episode has not shown, opened by `open`. */
export function readNext(view: ExpertView, pages: readonly { title: string; open: () => ExpertStep }[]): ExpertStep | undefined {
  return pages.find((p) => !shown(view, p.title))?.open();
}

/** The slot's times as the pages show them, with the shown values a chosen slot comes from. */
export function slotFields(data: CalendarData, slot: Slot, why: string, busy: readonly CalEvent[]): FormField[] {
  const room = data.rooms.find((r) => r.id === slot.roomId);
  const sources = [dayLabel(slot.day), ...busy.map(span)];
  const fields: FormField[] = [
    { label: 'Day', value: dayLabel(slot.day), kind: 'select', why },
    {
      label: 'Start',
      value: clock(slot.start),
      kind: 'select',
      why,
      derived: { value: clock(slot.start), sources, how: 'the slot the calendars shown leave free' },
    },
    { label: 'Length', value: `${slot.end - slot.start} minutes`, kind: 'select', why },
  ];
  if (room) {
    fields.push({
      label: 'Room',
      value: roomLabel(room),
      kind: 'select',
      why: `${room.name} seats ${room.seats} and is free then.`,
      derived: { value: roomLabel(room), sources: [room.name, String(room.seats)], how: 'a room the rooms list and day view show big enough and free' },
    });
  }
  return fields;
}
