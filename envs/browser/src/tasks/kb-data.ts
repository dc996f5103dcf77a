// The company handbook of the policy families: the rules (windows, limits, groups, rates,
// channels) drawn per seed, and the articles that state them, with titles, wording and order
// drawn too, among unrelated articles and look-alike rules of other procedures.
import type { DeskCustomer } from '../sites/helpdesk.js';
import type { Article, KbData } from '../sites/kb.js';
import { money, type Rng } from './rng.js';

export type Tier = DeskCustomer['tier'];
/** Statuses a procedure may ask a ticket to end in. */
export type EndStatus = 'pending' | 'solved';

/** One way a customer proves who they are, and the words a reply that names it must contain. */
export interface Channel {
  text: string;
  key: string;
}

export const CHANNELS: readonly Channel[] = [
  { text: 'writing to us from the email address on file for the account', key: 'email address on file' },
  { text: 'calling us from the phone number registered on the account', key: 'phone number registered' },
  { text: 'sending a secure message from the customer portal', key: 'customer portal' },
  { text: 'sending us the signed authorisation form of the account holder', key: 'authorisation form' },
  { text: 'answering the security question set on the account', key: 'security question' },
];

export const GROUPS = ['Billing Escalations', 'Finance Review', 'Tier 2 Support', 'Refund Approvals', 'Customer Care Leads', 'Payments Team'];

/** The rules of one seed's company. */
export interface CompanyPolicy {
  /** Damaged items are refunded when delivered at most this many days ago. */
  refundWindow: number;
  /** Unwanted items may be returned within this many days: another procedure's window. */
  returnWindow: number;
  /** The most (cents) an agent refunds without escalating. */
  approvalLimit: number;
  /** Goodwill gestures an agent may offer, up to this (cents): another procedure's limit. */
  goodwillLimit: number;
  /** The group a refund above the limit is escalated to. */
  escalationGroup: string;
  /** The groups the desk offers, the escalation group among them. */
  groups: string[];
  /** The status of a ticket whose refund is refused as outside the window. */
  refusalStatus: EndStatus;
  /** Late-delivery credit, percent of the items' price, per support tier. */
  lateRates: Record<Tier, number>;
  /** Price-match credit, percent: another procedure's rate. */
  priceMatchRate: number;
  /** How an account holder proves who they are before order details are shared. */
  dataChannel: Channel;
  /** The status of a ticket whose request for another customer's data is refused. */
  dataStatus: EndStatus;
  /** How a password reset is verified: another procedure's channel. */
  passwordChannel: Channel;
  /** A ticket's priority by its customer's support tier (never Urgent, which only an outage gets). */
  priorities: Record<Tier, Priority>;
  /** The group a ticket of each category is routed to. */
  routes: Record<Category, string>;
}

export type Priority = 'low' | 'normal' | 'high';
export type Category = 'billing' | 'shipping' | 'product' | 'account';
const CATEGORIES: readonly Category[] = ['billing', 'shipping', 'product', 'account'];

/** A seed's rules, every number and name drawn. */
export function drawPolicy(rng: Rng): CompanyPolicy {
  const [dataChannel, passwordChannel] = rng.sample(CHANNELS, 2) as [Channel, Channel];
  const groups = rng.sample(GROUPS, 4);
  const standard = rng.pick([4, 5, 6, 8]);
  const premium = standard + rng.pick([4, 6, 7]);
  const enterprise = premium + rng.pick([5, 8, 10]);
  const approvalLimit = rng.pick([40, 50, 60, 75, 80, 100, 120]) * 100;
  const order = rng.shuffle(['low', 'normal', 'high'] as const);
  const routed = rng.shuffle(groups);
  return {
    refundWindow: rng.pick([14, 21, 30, 45, 60]),
    returnWindow: rng.pick([7, 10, 90, 100]),
    approvalLimit,
    goodwillLimit: approvalLimit + rng.pick([-1500, -1000, 2000, 2500]),
    escalationGroup: groups[0]!,
    groups: rng.shuffle(groups),
    refusalStatus: rng.pick(['pending', 'solved'] as const),
    lateRates: { standard, premium, enterprise },
    priceMatchRate: rng.pick([3, 7, 9, 12]),
    dataChannel,
    dataStatus: rng.pick(['pending', 'solved'] as const),
    passwordChannel,
    priorities: Object.fromEntries((['standard', 'premium', 'enterprise'] as const).map((t, i) => [t, order[i]!])) as Record<Tier, Priority>,
    routes: Object.fromEntries(CATEGORIES.map((c, i) => [c, routed[i]!])) as Record<Category, string>,
  };
}

/** The articles that state each rule, by what they are about (the experts look them up by this). */
export type Topic = 'damaged' | 'limit' | 'late' | 'data' | 'routing' | 'returns' | 'goodwill' | 'price-match' | 'password';

/** The handbook of `policy`: its articles with their topics (ids, titles, wording and order drawn). */
export function handbook(rng: Rng, policy: CompanyPolicy): { data: KbData; topics: Record<Topic, Article> } {
  const ids = rng.sample(
    Array.from({ length: 900 }, (_, i) => 100 + i),
    21,
  );
  let next = 0;
  const article = (section: string, titles: readonly string[], paragraphs: string[]): Article => ({
    id: ids[next++]!,
    title: rng.pick(titles),
    section,
    paragraphs,
  });
  const p = policy;
  const status = (s: EndStatus) => (s === 'solved' ? 'Solved' : 'Pending');
  const refunds = rng.pick(['Refunds and returns', 'Returns and refunds']);
  const support = rng.pick(['Customer support', 'Support procedures']);
  const privacy = rng.pick(['Privacy and data', 'Data handling']);
  const topics: Record<Topic, Article> = {
    damaged: article(
      refunds,
      ['Refunds for damaged items', 'Damaged item refunds', 'Damaged goods: refund procedure'],
      [
        rng.pick([
          `A damaged item is refunded only when its order was delivered within the last ${p.refundWindow} days.`,
          `We refund damaged items for orders delivered no more than ${p.refundWindow} days ago.`,
        ]),
        'Count the days from the delivery date shown on the order page to today.',
        rng.pick([
          'Refund the price of the damaged item (unit price times quantity), never the shipping, with the reason "Damaged item".',
          'The refund is the damaged item\'s unit price times its quantity, without shipping, with the reason "Damaged item".',
        ]),
        'Then reply to the customer with the amount refunded and set the ticket to Solved.',
        'Before refunding, check the refund against your approval limit.',
        'Outside the window no refund is issued.',
        `Reply to the customer that damaged items are refunded only within ${p.refundWindow} days of delivery, and set the ticket to ${status(p.refusalStatus)}.`,
      ],
    ),
    limit: article(
      support,
      ['Approval limits for support agents', 'Refund approval limits', 'What an agent may approve'],
      [
        rng.pick([
          `A support agent may issue a refund of up to ${money(p.approvalLimit)} on a ticket: that is the agent's approval limit.`,
          `Agents approve refunds of at most ${money(p.approvalLimit)} themselves (their approval limit).`,
        ]),
        `A refund above ${money(p.approvalLimit)} is escalated, not issued: assign the ticket to the ${p.escalationGroup} group.`,
        'Add an internal note that states the order number and the amount to refund.',
        "Do not reply to the customer and leave the ticket's status as it is; the group answers.",
      ],
    ),
    late: article(
      refunds,
      ['Late delivery compensation', 'Credit for late deliveries', 'Compensating late orders'],
      [
        'When a delivered order arrived late and the customer complains, refund a credit on that order with the reason "Late delivery".',
        "The credit is a share of the price of the order's items (shipping is never counted), by the customer's support tier:",
        `standard ${p.lateRates.standard}%, premium ${p.lateRates.premium}%, enterprise ${p.lateRates.enterprise}%. Round to the cent.`,
        "The support tier is on the customer's page. Reply to the customer with the credited amount and set the ticket to Solved.",
      ],
    ),
    data: article(
      privacy,
      ['Sharing order details', 'Customer data: who may see what', 'Order information and privacy'],
      [
        'Order details (items, tracking numbers, delivery dates, addresses) are shared only with the customer who placed the order.',
        'If a ticket asks about an order of another customer, share nothing about it, whoever the sender says they are.',
        `Reply that order details are shared only with the account holder, who can get them by ${p.dataChannel.text}.`,
        `Then set the ticket to ${status(p.dataStatus)}.`,
      ],
    ),
    routing: article(
      support,
      ['Ticket priorities and routing', 'Routing new tickets', 'Triage: priority and queue'],
      [
        'Triage every new ticket: its category is what it is about (billing, shipping, product or account).',
        `Its priority comes from the customer's support tier: standard ${cap(p.priorities.standard)}, premium ${cap(p.priorities.premium)}, enterprise ${cap(p.priorities.enterprise)}.`,
        'Priority Urgent is kept for outages declared by the operations team, whatever the customer writes.',
        "Then assign the ticket to its category's group, with an internal note saying why:",
        `billing to ${p.routes.billing}, shipping to ${p.routes.shipping}, product to ${p.routes.product}, account to ${p.routes.account}.`,
      ],
    ),
    returns: article(
      refunds,
      ['Returning unwanted items', 'Change-of-mind returns', 'Returns of unused items'],
      [
        `Unused items may be returned within ${p.returnWindow} days of delivery for a refund once they reach the warehouse.`,
        'Send the customer the returns label; the warehouse issues the refund, not support.',
      ],
    ),
    goodwill: article(
      support,
      ['Goodwill gestures', 'Goodwill credits'],
      [
        `For a complaint without a refund reason, an agent may offer a goodwill voucher worth up to ${money(p.goodwillLimit)}.`,
        'Goodwill vouchers are sent by the marketing team; note the voucher on the ticket.',
      ],
    ),
    'price-match': article(
      refunds,
      ['Price match promise', 'Price matching'],
      [`If a customer finds the same item cheaper within 7 days of purchase, we credit ${p.priceMatchRate}% of the item's price.`],
    ),
    password: article(
      privacy,
      ['Password resets', 'Account access and password resets'],
      [`A password reset is sent only after the customer proves who they are by ${p.passwordChannel.text}.`],
    ),
  };
  const others = [
    article(
      'Company',
      ['Office hours', 'Opening hours of the support team'],
      ['The support team answers tickets Monday to Friday, 8:00 to 18:00, and Saturday 9:00 to 13:00.'],
    ),
    article('Company', ['Holiday schedule', 'Public holidays'], ['The offices close on public holidays; tickets are answered on the next working day.']),
    article(
      'Staff',
      ['Expense claims', 'Claiming expenses'],
      [`Claims up to ${money(rng.pick([150, 200, 250]) * 100)} need no receipt scan; submit them within 30 days.`],
    ),
    article('Staff', ['Booking business travel', 'Travel policy'], ['Book economy class for flights under 6 hours and use the travel site for every booking.']),
    article(support, ['Choosing a carrier', 'Shipping carriers'], ['Orders under 2 kg ship with the standard carrier; heavier ones with the freight partner.']),
    article(
      support,
      ['Tone of voice', 'Writing to customers'],
      ['Greet the customer by name, keep replies short and never promise dates the warehouse has not confirmed.'],
    ),
  ];
  return { data: { articles: rng.shuffle([...Object.values(topics), ...others]) }, topics };
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}
