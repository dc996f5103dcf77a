// The browser's apps door (`@workgym/env-browser/apps`): the site apps with their seeded data and
// the experts' ways around them, for an env that composes them with other apps (envs/workday).
// It loads no browser: the session pieces are the package root's.
export type { Snapshot, SnapshotNode } from './browser/ax-snapshot.js';
export { AdminSite, PLANS, ROLES, type User } from './sites/admin.js';
export { CalendarSite, clock, dayLabel, overlaps, span, type CalendarData, type CalEvent, type CalPerson, type Room } from './sites/calendar.js';
export { HelpDeskSite, orderTotal, type DeskCustomer, type DeskData, type DeskOrder, type Ticket } from './sites/helpdesk.js';
export type { SiteApp } from './sites/site-app.js';
export { recordsState, sitesState } from './sites/state.js';
export { listed, WebmailSite, type Mail, type MailData } from './sites/webmail.js';
export { adminUsers } from './tasks/admin-data.js';
export { applied, filters, pageOf } from './tasks/admin-expert.js';
export { drawCalendar } from './tasks/cal-data.js';
export { openDay, openWeek, readNext } from './tasks/cal-expert.js';
export { deskData, restKept } from './tasks/desk-data.js';
export { onTicket, openTicket } from './tasks/desk-expert.js';
export {
  act,
  answer,
  click,
  fillForm,
  findNode,
  leave,
  list,
  mustFind,
  seenTitled,
  showsText,
  submit,
  tableRows,
  textAfter,
  type ExpertView,
  type FormField,
  type SeenPage,
} from './tasks/expert-kit.js';
export { correspondent, correspondents, mailData, numbered, TOPICS, type Correspondent } from './tasks/mail-data.js';
export { onMessage, openMessage, seenMessage, type WantedMail } from './tasks/mail-expert.js';
export { FIRST_NAMES, LAST_NAMES, money, personName } from './tasks/rng.js';
export { norm } from './tasks/task.js';
