import {
  act,
  deskData,
  fillForm,
  FIRST_NAMES,
  HelpDeskSite,
  LAST_NAMES,
  list,
  onTicket,
  openTicket,
  restKept,
  seenTitled,
  submit,
} from '@workgym/env-browser/apps';
import { call, get, rowLine } from '@workgym/env-spreadsheet/apps';
import type { Rng } from '@workgym/protocol';
import type { Difficulty, ExpertStep } from '@workgym/protocol/kit';
import { cents, centsAmount, readTable, writeBlock } from './steps.js';
import { verdict, type FamilyDef, type WorkdayView } from './task.js';

const STATUSES = ['shipped', 'processing', 'delivered', 'cancelled', 'on hold', 'backordered'] as const;
const SHEET = 'Orders';
/** Rows of the orders workbook and orders of the ticket's customer among them, by tier. */
const SIZE: Record<Difficulty, { rows: number; mine: number }> = { easy: { rows: 12, mine: 2 }, medium: { rows: 35, mine: 3 }, hard: { rows: 80, mine: 4 } };

interface OrderRow {
  id: string;
  customer: string;
  status: (typeof STATUSES)[number];
  amount: number;
  date: string;
}

export const sheetToTicketReply: FamilyDef = {
  name: 'sheet-to-ticket-reply',
  job: 'customer-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Answer a ticket that asks about an order: the desk shows which order, the orders workbook its status and amount; reply with both and solve the ticket.',
  strategies: ['ticket-first', 'sheet-first'],
  nearMisses: ['quote-customer-orders', 'note-in-sheet'],
  // The kit judges both apps whole: the asked ticket (its reply and status) is the task's one
  // change (pageChanges); another ticket answered, or any cell written, fails its no_collateral.
  collateral: true,
  // The amount first: another order's status may coincide, its amount never does.
  components: [
    { name: 'amount', kind: 'progress' },
    { name: 'status', kind: 'progress' },
    { name: 'solved', kind: 'progress' },
    { name: 'no_wrong_facts', kind: 'guard' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  conditions: ['ticket', 'order'],
  guesses: ['generic-reply', 'first-row'],
  generate(rng, _task, tier) {
    const size = SIZE[tier];
    const data = deskData(rng);
    // The workbook is the order record: the desk lists none, so the facts are in the sheet alone.
    data.orders = [];
    // Never the first ticket of the queue: the one a worker who ignores the ticket number answers.
    const ticket = rng.pick(data.tickets.slice(1));
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    const rows = orderRows(rng, customer.name, size.rows, size.mine);
    const mine = rows.filter((r) => r.customer === customer.name);
    const target = rng.pick(mine);
    // Never the first data row: the row a constant guess quotes.
    if (rows[0] === target) [rows[0], rows[1]] = [rows[1]!, rows[0]!];
    ticket.subject = 'Question about my order';
    ticket.body = `Hello, could you tell me the status of my order ${target.id} and the amount I was charged for it? Thanks, ${customer.name}`;
    const ticketStart = structuredClone(ticket);
    const desk = new HelpDeskSite(data);
    const last = rows.length + 1;
    const rowOf = (r: OrderRow) => rows.indexOf(r) + 2;
    const ticketTitle = `Ticket #${ticket.id}: ${ticket.subject}`;

    /** The rows a strategy quotes and the ticket it replies on. */
    const plan = (strategy: string): { quoted: OrderRow[]; on: number } => {
      const other = mine.find((r) => r !== target)!;
      const ways: Record<string, OrderRow[]> = {
        'relax:order': [other],
        'guess:first-row': [rows[0]!],
        'guess:generic-reply': [],
        'quote-customer-orders': mine,
      };
      return { quoted: ways[strategy] ?? [target], on: strategy === 'relax:ticket' ? data.tickets[0]!.id : ticket.id };
    };

    const lookUp = (view: WorkdayView): ExpertStep | undefined => {
      const read = () => readTable(view, SHEET, `A1:E${last}`, `The ${SHEET} sheet has ${rows.length} orders, more than its first view shows: read them all.`);
      const openAsked = () =>
        seenTitled(view.page, ticketTitle).length === 0 && view.strategy !== 'guess:generic-reply' && view.strategy !== 'guess:first-row'
          ? openTicket(view.page, ticket.id, false)
          : undefined;
      return view.strategy === 'sheet-first' ? (read() ?? openAsked()) : (openAsked() ?? read());
    };

    return {
      instruction:
        `Reply to ticket #${ticket.id} in the support desk (http://desk.test/): the customer asks about one of their orders. ` +
        `The ${SHEET} sheet of the workbook has every order's status and amount: tell the customer the order's status and the amount charged (as the sheet shows it), ` +
        'set the ticket to Solved with the reply, then submit.',
      sites: [desk],
      startUrl: 'http://desk.test/',
      sheets: [
        {
          name: SHEET,
          rows: [['Order', 'Customer', 'Status', 'Amount', 'Date'], ...rows.map((r) => [r.id, r.customer, r.status, r.amount / 100, r.date])],
        },
      ],
      focus: SHEET,
      sheetChanges: [],
      pageChanges: (key) => key === `site:desk/tickets/${ticket.id}`,
      distractors: [call('read_range', { range: `${SHEET}!A1:E1` }), call('list_sheets')],
      expert(view) {
        const step = lookUp(view);
        if (step) return step;
        const { quoted, on } = plan(view.strategy);
        const lines = quoted.map((r) => rowLine(view.sheet.wb, SHEET, rowOf(r), 5));
        if (view.strategy === 'note-in-sheet') {
          const ref = `${SHEET}!F${rowOf(target)}`;
          if (get(view.sheet.wb, ref) !== target.status) {
            return writeBlock(
              SHEET,
              { corner: `F${rowOf(target)}`, from: [target.id] },
              [[target.status]],
              [rowLine(view.sheet.wb, SHEET, rowOf(target), 5)],
              'the status of the order row',
              `Note the status next to order ${target.id} in the sheet instead of replying.`,
            );
          }
          return act(submit(), 'The status is noted in the sheet: submit.');
        }
        const reply =
          quoted.length === 0 ? GENERIC_REPLY : quoted.map((r) => `Your order ${r.id} is ${r.status}; the amount charged was $${cents(r.amount)}.`).join(' ');
        const replied = data.tickets.find((t) => t.id === on)!;
        if (replied.status === 'solved' && replied.replies.at(-1) === reply) {
          return act(submit(), `Ticket #${on} shows the reply and the status solved: submit.`);
        }
        if (!onTicket(view.page, on)) return openTicket(view.page, on, false);
        return fillForm(
          view.page.snapshot,
          [
            {
              label: 'Reply to customer',
              value: reply,
              why: quoted.length
                ? `The ticket asks about order ${list(quoted.map((r) => r.id))}; the ${SHEET} sheet shows ${lines.join('; ')}: tell the customer its status and amount.`
                : 'A reply that reads like an answer, without looking the order up.',
              derived: { value: reply, sources: lines.length ? lines : [GENERIC_REPLY], how: 'reply template with the status and amount of the order row' },
            },
            { label: 'Status after reply', value: 'Solved', kind: 'select', why: 'The instruction asks to set the ticket to Solved with the reply.' },
          ],
          'Send reply',
          'The reply and the Solved status are set: send it.',
        );
      },
      verify() {
        const text = ticket.replies.join('\n').toLowerCase();
        const amounts: string[] = text.match(/\d+\.\d{2}/g) ?? [];
        const ids = text.match(/so-\d+/g) ?? [];
        const said = STATUSES.filter((s) => text.includes(s));
        const rest = restKept(ticket, ticketStart, ['replies', 'status']);
        return verdict(
          {
            amount: amounts.includes(cents(target.amount)) ? 1 : 0,
            status: said.length === 1 && said[0] === target.status ? 1 : 0,
            solved: ticket.status === 'solved' ? 1 : 0,
            no_wrong_facts: amounts.every((a) => a === cents(target.amount)) && ids.every((i) => i === target.id.toLowerCase()) ? 1 : 0,
            rest_of_ticket: rest ? 1 : 0,
          },
          `replies ${JSON.stringify(ticket.replies)}; expected ${target.id} ${target.status} $${cents(target.amount)}; ticket ${ticket.status}${rest ? '' : '; the rest of the ticket changed'}`,
        );
      },
    };
  },
};

/** A constant attempt's reply: it reads like an answer and names no order. */
const GENERIC_REPLY = 'Thank you for reaching out: your order is being handled and you will hear from us soon.';

/** `count` orders, `mine` of them the customer's, all amounts and numbers distinct, in a random order. */
function orderRows(rng: Rng, customer: string, count: number, mine: number): OrderRow[] {
  const ids = new Set<string>();
  const amounts = new Set<number>();
  const rows: OrderRow[] = [];
  while (rows.length < count) {
    const id = `SO-${rng.int(10000, 99999)}`;
    const amount = centsAmount((lo, hi) => rng.int(lo, hi), 1500, 49999);
    if (ids.has(id) || amounts.has(amount)) continue;
    ids.add(id);
    amounts.add(amount);
    const name = rows.length < mine ? customer : `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    if (rows.length >= mine && name === customer) continue;
    rows.push({ id, customer: name, status: rng.pick(STATUSES), amount, date: `2025-${String(rng.int(3, 6)).padStart(2, '0')}-${String(rng.int(10, 28))}` });
  }
  return rng.shuffle(rows);
}
