import { money } from '../tasks/rng.js';
import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface ReceiptLine {
  item: string;
  qty: number;
  /** Cents each. */
  price: number;
}

/** A scanned receipt in the employee's documents; amounts in cents, dates YYYY-MM-DD. */
export interface Receipt {
  id: number;
  merchant: string;
  number: string;
  saleDate: string;
  printed: string;
  returnBy: string;
  uploaded: string;
  lines: ReceiptLine[];
  /** Applied before tax. */
  discount: number;
  taxRate: number;
  tax: number;
  serviceCharge: number;
  total: number;
  cardLast4: string;
}

export interface Claim {
  ref: string;
  employee: string;
  employeeId: string;
  date: string;
  category: string;
  merchant: string;
  receiptNumber: string;
  /** Cents. */
  amount: number;
  billable: boolean;
  client: string;
}

export interface ExpenseData {
  documents: Receipt[];
  categories: string[];
  clients: string[];
  claims: Claim[];
}

const NAV: [string, string][] = [
  ['/', 'Documents'],
  ['/claims/new', 'New claim'],
  ['/claims', 'My claims'],
];
const DATE = /^2025-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2025-05-14" → "14 May 2025", the way receipts print dates. */
export function printedDate(date: string): string {
  return `${Number(date.slice(8))} ${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** An expenses portal: the employee's scanned receipts and an expense claim form with validation. */
export class ExpensesSite implements SiteApp {
  readonly host = 'expenses.test';
  private counter = 1;

  constructor(readonly data: ExpenseData) {}

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return this.documents();
    if ((m = route(p, '/documents/:id'))) return this.receipt(Number(m.id));
    if (p === '/claims/new' && req.method === 'GET') return this.form([], {});
    if (p === '/claims/new' && req.method === 'POST') return this.submit(req);
    if (p === '/claims') return this.claims();
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'Expenses', NAV, body) };
  }

  private documents(): SiteResponse {
    const list = [...this.data.documents].sort((a, b) => b.uploaded.localeCompare(a.uploaded) || b.id - a.id);
    const rows = list.map((d) => [`<a href="/documents/${d.id}">Receipt from ${esc(d.merchant)}</a>`, esc(d.uploaded)]);
    return this.render('Documents', `<p>${list.length} scanned receipts</p>${table(['Document', 'Uploaded'], rows)}`);
  }

  private receipt(id: number): SiteResponse {
    const d = this.data.documents.find((x) => x.id === id);
    if (!d) return notFound();
    const subtotal = d.lines.reduce((s, l) => s + l.qty * l.price, 0);
    const rows = d.lines.map((l) => [esc(l.item), String(l.qty), money(l.price), money(l.qty * l.price)]);
    const amounts = [
      `<p>Subtotal: ${money(subtotal)}</p>`,
      d.discount ? `<p>Discount: -${money(d.discount)}</p>` : '',
      `<p>Tax (${d.taxRate}%): ${money(d.tax)}</p>`,
      d.serviceCharge ? `<p>Service charge: ${money(d.serviceCharge)}</p>` : '',
      `<p><strong>Total: ${money(d.total)}</strong></p>`,
    ].join('');
    return this.render(
      `Receipt from ${d.merchant}`,
      `<article><p>${esc(d.merchant)}</p><p>Receipt number: ${esc(d.number)}</p><p>Date of sale: ${printedDate(d.saleDate)}</p>
${table(['Item', 'Qty', 'Price', 'Amount'], rows)}${amounts}<p>Paid by card ending ${esc(d.cardLast4)}</p>
<p>Returns accepted until ${printedDate(d.returnBy)}</p><p>Printed ${printedDate(d.printed)}</p></article>`,
    );
  }

  private form(errs: string[], v: Record<string, string>): SiteResponse {
    return this.render(
      'New expense claim',
      `${errors(errs)}<form method="post" action="/claims/new">${field('employee', 'Employee name', v.employee ?? '')}${field('employeeId', 'Employee ID', v.employeeId ?? '')}
${field('date', 'Expense date', v.date ?? '', 'text', 'placeholder="YYYY-MM-DD" autocomplete="off"')}
${selectField('category', 'Category', [['', 'Choose…'], ...this.data.categories.map((c): [string, string] => [c, c])], v.category ?? '')}
${field('merchant', 'Merchant', v.merchant ?? '')}${field('receipt', 'Receipt number', v.receipt ?? '')}
${field('amount', 'Amount (USD)', v.amount ?? '', 'text', 'inputmode="decimal"')}
<label><input type="checkbox" id="billable" name="billable" value="yes"${v.billable ? ' checked' : ''}> Billable to a client</label>
${selectField('client', 'Client', [['', 'None'], ...this.data.clients.map((c): [string, string] => [c, c])], v.client ?? '')}
<label><input type="checkbox" id="confirm" name="confirm" value="yes"${v.confirm ? ' checked' : ''}> I confirm this receipt has not been claimed before</label>
<p><button type="submit">Submit claim</button></p></form>`,
    );
  }

  private submit(req: SiteRequest): SiteResponse {
    const keys = ['employee', 'employeeId', 'date', 'category', 'merchant', 'receipt', 'amount', 'billable', 'client', 'confirm'];
    const v = Object.fromEntries(keys.map((k) => [k, formText(req, k)]));
    const amount = Number(v.amount);
    const errs = [];
    if (v.employee!.split(/\s+/).length < 2) errs.push('Enter the employee’s full name.');
    if (!/^E-\d{5}$/.test(v.employeeId!)) errs.push('The employee ID looks like E-12345.');
    if (!DATE.test(v.date!)) errs.push('Enter the expense date as YYYY-MM-DD (2025).');
    if (!this.data.categories.includes(v.category!)) errs.push('Choose a category.');
    if (!v.merchant) errs.push('Enter the merchant.');
    if (!v.receipt) errs.push('Enter the receipt number.');
    if (!/^\d+(\.\d{1,2})?$/.test(v.amount!) || !(amount > 0)) errs.push('Enter the amount in dollars and cents.');
    if (v.billable && !this.data.clients.includes(v.client!)) errs.push('Choose the client a billable expense is for.');
    if (!v.billable && v.client) errs.push('Only a billable expense has a client.');
    if (!v.confirm) errs.push('Confirm the receipt has not been claimed before.');
    if (errs.length) return this.form(errs, v);
    const ref = `EX-${String(this.counter++).padStart(4, '0')}`;
    this.data.claims.push({
      ref,
      employee: v.employee!,
      employeeId: v.employeeId!,
      date: v.date!,
      category: v.category!,
      merchant: v.merchant!,
      receiptNumber: v.receipt!,
      amount: Math.round(amount * 100),
      billable: Boolean(v.billable),
      client: v.client!,
    });
    return this.render('Claim submitted', `<p class="notice">Claim ${ref} submitted for ${money(Math.round(amount * 100))}.</p>`);
  }

  private claims(): SiteResponse {
    const rows = this.data.claims.map((c) => [esc(c.ref), esc(c.date), esc(c.merchant), money(c.amount), esc(c.category)]);
    return this.render('My claims', rows.length ? table(['Claim', 'Date', 'Merchant', 'Amount', 'Category'], rows) : '<p>No claims yet.</p>');
  }
}
