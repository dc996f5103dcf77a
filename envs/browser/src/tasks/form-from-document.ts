import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { ExpensesSite, type ExpenseData, type Receipt, type ReceiptLine } from '../sites/expenses.js';
import { recordsAdded } from '../sites/state.js';
import { act, fillForm, leave, navigate, seenTitled, submit, textAfter, type ExpertView, type FormField } from './expert-kit.js';
import { money, personName, type Rng } from './rng.js';
import { type FamilyDef, norm, verification } from './task.js';

const CATEGORIES = ['Meals', 'Travel', 'Lodging', 'Office supplies'];
const CLIENTS = ['Northwind Ltd', 'Globex', 'Initech', 'Umbrella Foods', 'Stark Logistics'];
/** Merchants by category, with what they sell (name, lowest and highest price in dollars). */
const MERCHANTS: { name: string; category: string; items: [string, number, number][] }[] = [
  ...['Olive Tree Bistro', 'Harbor Grill', 'Sakura Sushi Bar', 'Café Lumen', 'Bella Napoli'].map((name) => ({
    name,
    category: 'Meals',
    items: [
      ['Lunch menu', 14, 32],
      ['Sparkling water', 3, 6],
      ['Espresso', 2, 5],
      ['Grilled salmon', 18, 34],
      ['Caesar salad', 9, 16],
      ['Dessert of the day', 6, 11],
      ['Glass of wine', 7, 14],
    ] as [string, number, number][],
  })),
  ...['City Cabs', 'RailLink Tickets', 'Metro Taxi'].map((name) => ({
    name,
    category: 'Travel',
    items: [
      ['Taxi fare', 12, 60],
      ['Airport transfer', 35, 80],
      ['Return ticket', 40, 160],
      ['Seat reservation', 4, 12],
      ['Luggage fee', 5, 20],
      ['Waiting time', 3, 15],
      ['Booking fee', 2, 6],
    ] as [string, number, number][],
  })),
  ...['Park Hotel', 'StayInn Suites'].map((name) => ({
    name,
    category: 'Lodging',
    items: [
      ['Room night', 95, 240],
      ['Breakfast', 12, 25],
      ['City tax', 2, 8],
      ['Parking', 15, 35],
      ['Laundry', 8, 22],
      ['Minibar', 4, 18],
      ['Late checkout', 20, 40],
    ] as [string, number, number][],
  })),
  ...['Paper & Co', 'TechMart', 'Print Hub', 'Nordic Office'].map((name) => ({
    name,
    category: 'Office supplies',
    items: [
      ['Printer paper', 6, 12],
      ['USB-C cable', 9, 25],
      ['Notebooks (5 pack)', 8, 15],
      ['Toner cartridge', 45, 110],
      ['Desk lamp', 22, 60],
      ['Whiteboard markers', 5, 11],
      ['Stapler', 7, 19],
    ] as [string, number, number][],
  })),
];
/**
 * The tier's knob: receipts in the documents (merchants repeat, from a pool of `merchants`), the
 * employee's cards, how many receipts the target's merchant has, lines per receipt, and which
 * look-alike amounts appear.
 */
const TIER: Record<
  Difficulty,
  { documents: number; merchants: number; cards: number; sameMerchant: [number, number]; lines: [number, number]; discount: boolean; service: boolean }
> = {
  easy: { documents: 30, merchants: 6, cards: 2, sameMerchant: [4, 5], lines: [2, 3], discount: false, service: false },
  medium: { documents: 36, merchants: 8, cards: 3, sameMerchant: [5, 6], lines: [3, 5], discount: false, service: true },
  hard: { documents: 44, merchants: 10, cards: 3, sameMerchant: [6, 8], lines: [5, 7], discount: true, service: true },
};
/** The constant pick: the document listed at this place (0 is the newest upload), whatever it is. */
const GUESS = 'third-listed';
const GUESS_AT = 2;
const PORTAL = 'http://expenses.test';

export const formFromDocument: FamilyDef = {
  name: 'form-from-document',
  job: 'office-assistant',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'File an expense claim from a scanned receipt: find the receipt among the documents (one of several from its merchant: the one paid with the card named), read its total (not the subtotal), date of sale (not the printed or return date), merchant and number, and fill and submit the validated claim form.',
  strategies: ['document-first', 'form-first'],
  nearMisses: ['printed-date'],
  // The kit judges the whole site: the claim filed is the task's change (recordsAdded); how many, the family judges.
  collateral: true,
  // The amount of the right receipt comes first (another receipt's total, or this one's
  // subtotal, earns nothing), then its number, date, coding and the employee; one claim only.
  components: [
    { name: 'amount', kind: 'progress' },
    { name: 'receipt', kind: 'progress' },
    { name: 'date', kind: 'progress' },
    { name: 'coding', kind: 'progress' },
    { name: 'employee', kind: 'progress' },
    { name: 'one_claim', kind: 'guard' },
  ],
  conditions: ['merchant', 'card', 'total'],
  guesses: [GUESS],
  generate(rng, _task, tier) {
    const { documents, target } = drawUntil(
      rng,
      (r) => drawReceipts(r, tier),
      ({ documents }) => new Set(documents.map((d) => d.total)).size === documents.length,
    );
    const category = MERCHANTS.find((m) => m.name === target.merchant)!.category;
    const billable = rng.next() < 0.5;
    const client = rng.pick(CLIENTS);
    const employee = personName(rng);
    const employeeId = `E-${rng.chars(5, '0123456789')}`;
    const data: ExpenseData = { documents, categories: CATEGORIES, clients: CLIENTS, claims: [] };
    const site = new ExpensesSite(data);
    const formUrl = `${PORTAL}/claims/new`;
    const listed = byUpload(documents);
    const sameMerchant = listed.filter((d) => d.merchant === target.merchant);

    /**
     * The receipt an attempt claims: the asked one; without the card the merchant's newest,
     * without the merchant the card's newest (neither is it); the guess whatever is listed third.
     */
    const claimed = (strategy: string): Receipt => {
      if (strategy === 'relax:card') return sameMerchant[0]!;
      if (strategy === 'relax:merchant') return listed.find((d) => d.cardLast4 === target.cardLast4)!;
      if (strategy === `guess:${GUESS}`) return listed[GUESS_AT]!;
      return target;
    };
    /** The receipts opened in turn: the merchant's, newest first, until the card matches; the claimed one alone when it is not the asked one. */
    const opened = (receipt: Receipt): Receipt[] => (receipt === target ? sameMerchant.slice(0, sameMerchant.indexOf(target) + 1) : [receipt]);
    const docUrl = (receipt: Receipt) => `${PORTAL}/documents/${receipt.id}`;
    const pageOf = (view: ExpertView, receipt: Receipt) => [...view.seen].reverse().find((p) => p.url === docUrl(receipt));

    /** Opens a receipt from the documents list; leaving one of the merchant's paid with another card, says so. */
    const openReceipt = (view: ExpertView, receipt: Receipt): ExpertStep => {
      const card = view.snapshot.title === `Receipt from ${target.merchant}` ? textAfter(view.snapshot, 'Paid by card ending ') : undefined;
      const back =
        card && card !== target.cardLast4
          ? `This receipt was paid with the card ending ${card}, not ${target.cardLast4}: back to the documents for the next receipt from ${receipt.merchant}`
          : `Find the receipt from ${receipt.merchant} uploaded ${receipt.uploaded} in the documents`;
      return (
        navigate(view, docUrl(receipt), `The documents list a receipt from ${receipt.merchant} uploaded ${receipt.uploaded}: open it`) ??
        leave(view, 'Documents', back)
      );
    };

    /** The claim form's values, read from the receipt's page as the episode showed it. */
    const fields = (view: ExpertView, receipt: Receipt, shown: ExpertView['snapshot']): FormField[] => {
      const amountLine = view.strategy === 'relax:total' ? 'Subtotal:' : 'Total:';
      const amount = textAfter(shown, amountLine)!.replace('$', '');
      const [dateLine, datePrefix] = view.strategy === 'printed-date' ? ['Printed ', 'Printed '] : ['Date of sale:', 'Date of sale: '];
      const printed = textAfter(shown, dateLine)!;
      const date = isoDate(printed);
      const number = textAfter(shown, 'Receipt number:')!;
      const out: FormField[] = [
        { label: 'Employee name', value: employee, why: `The claim is for ${employee}.` },
        { label: 'Employee ID', value: employeeId, why: `${employee}'s employee ID is ${employeeId}.` },
        {
          label: 'Expense date',
          value: date,
          why: `The receipt's ${dateLine.trim().replace(/:$/, '').toLowerCase()} is ${printed}: ${date}.`,
          derived: { value: date, sources: [`${datePrefix}${printed}`], how: 'the printed date written as YYYY-MM-DD' },
        },
        { label: 'Category', value: category, kind: 'select', why: `The instruction files it under ${category}.` },
        { label: 'Merchant', value: receipt.merchant, why: `The receipt is from ${receipt.merchant}.` },
        { label: 'Receipt number', value: number, why: `The receipt number is ${number}.` },
        {
          label: 'Amount (USD)',
          value: amount,
          why: `The receipt's ${amountLine.replace(':', '').toLowerCase()} is $${amount}${amountLine === 'Total:' ? ', with tax' : ''}.`,
        },
        {
          label: 'Billable to a client',
          value: String(billable),
          kind: 'check',
          why: billable ? `It is billable to ${client}.` : 'It is not billable to a client.',
        },
      ];
      out.push(
        billable
          ? { label: 'Client', value: client, kind: 'select', why: `The client is ${client}.` }
          : { label: 'Client', value: 'None', kind: 'select', why: 'A claim billable to no client names none.' },
      );
      out.push({
        label: 'I confirm this receipt has not been claimed before',
        value: 'true',
        kind: 'check',
        why: 'The form asks to confirm the receipt is claimed once.',
      });
      return out;
    };

    return {
      instruction: `File an expense claim on the Expenses portal for ${employee} (employee ID ${employeeId}) for the receipt from ${target.merchant} paid with the card ending ${target.cardLast4}, in the Documents: the total charged as the amount, the date of sale as the expense date, the merchant and receipt number as printed, category ${category}, ${billable ? `billable to the client ${client}` : 'not billable to a client'}. Submit one claim, then submit.`,
      sites: [site],
      startUrl: `${PORTAL}/`,
      expert(view) {
        if (data.claims.length > 0) return act(submit(), `The portal confirms claim ${data.claims[0]!.ref}: submit.`);
        const receipt = claimed(view.strategy);
        const { snapshot } = view;
        if (view.strategy === 'form-first' && seenTitled(view, 'New expense claim').length === 0)
          return leave(view, 'New claim', 'See what the claim form asks for first');
        const next = opened(receipt).find((r) => !pageOf(view, r));
        if (next) return openReceipt(view, next);
        const receiptPage = pageOf(view, receipt)!;
        if (snapshot.title === 'New expense claim') {
          return fillForm(
            snapshot,
            fields(view, receipt, receiptPage.snapshot),
            'Submit claim',
            `Every field matches the receipt from ${receipt.merchant} paid with the card ending ${receipt.cardLast4}: submit the claim.`,
          );
        }
        return navigate(view, formUrl, 'Back to the claim form') ?? leave(view, 'New claim', 'Open the claim form');
      },
      expectsChange: recordsAdded(site, 'claims'),
      verify() {
        const c = data.claims[0];
        const components = {
          amount: c?.amount === target.total ? 1 : 0,
          receipt: c && norm(c.merchant) === norm(target.merchant) && c.receiptNumber.toUpperCase() === target.number ? 1 : 0,
          date: c?.date === target.saleDate ? 1 : 0,
          coding: c && c.category === category && c.billable === billable && c.client === (billable ? client : '') ? 1 : 0,
          employee: c && c.employee === employee && c.employeeId.toUpperCase() === employeeId ? 1 : 0,
          one_claim: data.claims.length <= 1 ? 1 : 0,
        };
        return verification(
          components,
          `${data.claims.length} claim(s)${c ? `; first: ${c.merchant} ${c.receiptNumber}, ${c.date}, ${money(c.amount)}, ${c.category}, ${c.billable ? `billable to ${c.client}` : 'not billable'}` : ''}; expected ${target.merchant} ${target.number}, ${target.saleDate}, ${money(target.total)}, ${category}, ${billable ? `billable to ${client}` : 'not billable'}`,
        );
      },
    };
  },
};

/** Where each listed receipt comes from, newest upload first: its merchant and the card that paid it. */
interface Slot {
  merchant: (typeof MERCHANTS)[number];
  card: string;
}

/**
 * The tier's receipts and the one the task claims. The target's place in the list is drawn
 * (never among the first two: a newer receipt of its merchant and a newer one paid with its card
 * come before it), and so is how many of its merchant's receipts are newer (at least one), so
 * neither says which it is; its merchant's other receipts were paid with other cards.
 */
function drawReceipts(rng: Rng, tier: Difficulty): { documents: Receipt[]; target: Receipt } {
  const t = TIER[tier];
  const pool = rng.sample(MERCHANTS, t.merchants);
  const [merchant, others] = [pool[0]!, pool.slice(1)];
  const cards = distinctCards(rng, t.cards);
  const count = rng.int(...t.sameMerchant);
  const newer = rng.int(1, count - 1);
  const at = rng.int(newer + 1, t.documents - count + newer);
  const slots: Slot[] = Array.from({ length: t.documents }, () => ({ merchant: rng.pick(others), card: rng.pick(cards) }));
  const card = rng.pick(cards);
  const otherCards = cards.filter((c) => c !== card);
  const before = rng.shuffle(Array.from({ length: at }, (_, i) => i));
  const after = rng.sample(
    Array.from({ length: t.documents - at - 1 }, (_, i) => at + 1 + i),
    count - 1 - newer,
  );
  for (const i of [...before.slice(0, newer), ...after]) slots[i] = { merchant, card: rng.pick(otherCards) };
  slots[at] = { merchant, card };
  const cardNewer = before.slice(newer);
  if (!cardNewer.some((i) => slots[i]!.card === card)) slots[rng.pick(cardNewer)]!.card = card;
  const documents = receipts(rng, t, slots);
  return { documents, target: documents[at]! };
}

/** `count` different last four digits of the employee's cards. */
function distinctCards(rng: Rng, count: number): string[] {
  const cards = new Set<string>();
  while (cards.size < count) cards.add(rng.chars(4, '0123456789'));
  return [...cards];
}

/** The receipts of the slots, in the same order: uploads on distinct days, numbered in a shuffled order (so a document's number says nothing). */
function receipts(rng: Rng, t: (typeof TIER)[Difficulty], slots: readonly Slot[]): Receipt[] {
  const uploads = rng
    .sample(
      Array.from({ length: 160 }, (_, i) => addDays('2025-01-20', i)),
      slots.length,
    )
    .sort((a, b) => b.localeCompare(a));
  const ids = rng.shuffle(slots.map((_, i) => i + 1));
  const numbers = new Set<string>();
  return slots.map(({ merchant: m, card }, i): Receipt => {
    const uploaded = uploads[i]!;
    const sale = addDays(uploaded, -rng.int(4, 6));
    const lines: ReceiptLine[] = rng
      .sample(m.items, rng.int(...t.lines))
      .map(([item, low, high]) => ({ item, qty: rng.int(1, 3), price: rng.int(low * 100, high * 100) }));
    const subtotal = lines.reduce((s, l) => s + l.qty * l.price, 0);
    const discount = t.discount && rng.next() < 0.5 ? Math.round((subtotal * rng.int(5, 15)) / 100) : 0;
    const taxRate = rng.pick([5, 7, 8, 10]);
    const tax = Math.round(((subtotal - discount) * taxRate) / 100);
    const serviceCharge = t.service && m.category === 'Meals' ? Math.round((subtotal * rng.int(10, 12)) / 100) : 0;
    let number = `${m.name.slice(0, 2).toUpperCase()}-${rng.chars(5, '0123456789')}`;
    while (numbers.has(number)) number = `${m.name.slice(0, 2).toUpperCase()}-${rng.chars(5, '0123456789')}`;
    numbers.add(number);
    return {
      id: ids[i]!,
      merchant: m.name,
      number,
      saleDate: sale,
      printed: addDays(sale, rng.int(1, 3)),
      returnBy: addDays(sale, 30),
      uploaded,
      lines,
      discount,
      taxRate,
      tax,
      serviceCharge,
      total: subtotal - discount + tax + serviceCharge,
      cardLast4: card,
    };
  });
}

/** The documents as the portal lists them: newest upload first. */
function byUpload(documents: readonly Receipt[]): Receipt[] {
  return [...documents].sort((a, b) => b.uploaded.localeCompare(a.uploaded) || b.id - a.id);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "14 May 2025" → "2025-05-14". */
function isoDate(printed: string): string {
  const [day, month, year] = printed.split(' ') as [string, string, string];
  return `${year}-${String(MONTHS.indexOf(month) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
}
