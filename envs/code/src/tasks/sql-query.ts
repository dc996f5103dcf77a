import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { describeOutput, scriptPlan } from './expert/script-work.js';
import { shownStdout } from './expert/shell.js';
import { bashLook, SUBMIT } from './expert/step.js';
import { workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const FIRST = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eva', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia'];
const LAST = ['Lopez', 'Smith', 'Novak', 'Tanaka', 'Okafor', 'Berg', 'Rossi', 'Kim'];
const COUNTRIES = ['DE', 'FR', 'JP', 'BR', 'US', 'IN', 'NG'];
const CATEGORIES = ['tools', 'garden', 'kitchen', 'toys'];
const PRODUCTS = ['hammer', 'rake', 'kettle', 'yo-yo', 'wrench', 'hose', 'whisk', 'kite', 'drill', 'shovel', 'ladle', 'puzzle'];

/** The conditions every question states: a year, and a product category. */
const CONDITIONS = ['year', 'category'] as const;
type Condition = (typeof CONDITIONS)[number];

/** The constant attempt: a query that returns no row. */
const EMPTY_RESULT = 'empty-result';

interface Params {
  year: number;
  category: string;
}

interface Customer {
  id: number;
  name: string;
  country: string;
}

interface Product {
  id: number;
  name: string;
  category: string;
  cents: number;
}

interface Order {
  customer: number;
  product: number;
  quantity: number;
  date: string;
}

/** A database as the generator drew it: its rows, and its SQL text. */
interface Shop {
  sql: string;
  customers: Customer[];
  products: Product[];
  orders: Order[];
}

/** The SQL conditions of a question (the order's year, the product's category), one dropped for a relaxation. */
function where(p: Params, drop: Condition | undefined, order = 'o', product = 'p'): string[] {
  return [
    ...(drop === 'year' ? [] : [`${order}.ordered_at >= '${p.year}-01-01' AND ${order}.ordered_at < '${p.year + 1}-01-01'`]),
    ...(drop === 'category' ? [] : [`${product}.category = '${p.category}'`]),
  ];
}

/** The orders a question counts, one condition dropped for a relaxation. */
function counted(shop: Shop, p: Params, drop?: Condition): { order: Order; customer: Customer; product: Product }[] {
  return shop.orders
    .map((order) => ({ order, customer: shop.customers[order.customer - 1]!, product: shop.products[order.product - 1]! }))
    .filter(({ order, product }) => (drop === 'year' || order.date.startsWith(`${p.year}-`)) && (drop === 'category' || product.category === p.category));
}

function sum<K>(rows: readonly { key: K; n: number }[]): Map<K, number> {
  const totals = new Map<K, number>();
  for (const { key, n } of rows) totals.set(key, (totals.get(key) ?? 0) + n);
  return totals;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Question {
  ask(p: Params): string;
  /** The reference query; without the condition `drop` for its relaxation. */
  query(p: Params, drop?: Condition): string;
  /** The rows the query returns on `shop` (the generator's own copy of the rule). */
  rows(shop: Shop, p: Params, drop?: Condition): (string | number)[][];
}

const QUESTIONS: Question[] = [
  {
    ask: (p) =>
      `for each customer who ordered products in the category '${p.category}' in ${p.year} (ordered_at is YYYY-MM-DD), what they spent on them (quantity * products.price_cents): two columns, the customer's name and the amount in cents; largest first, ties by name`,
    query: (p, drop) => `SELECT c.name, SUM(o.quantity * p.price_cents) AS spent
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN products p ON p.id = o.product_id
WHERE ${where(p, drop).join('\n  AND ')}
GROUP BY c.id
ORDER BY spent DESC, c.name;
`,
    rows: (shop, p, drop) =>
      [...sum(counted(shop, p, drop).map(({ order, customer, product }) => ({ key: customer, n: order.quantity * product.cents })))]
        .sort((a, b) => b[1] - a[1] || byteOrder(a[0].name, b[0].name))
        .map(([customer, spent]) => [customer.name, spent]),
  },
  {
    ask: (p) =>
      `for each country, the number of orders its customers placed in ${p.year} (ordered_at is YYYY-MM-DD) for products in the category '${p.category}': two columns, the country and the count; only countries with at least one such order; most orders first, ties by country`,
    query: (p, drop) => `SELECT c.country, COUNT(*) AS n
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN products p ON p.id = o.product_id
WHERE ${where(p, drop).join('\n  AND ')}
GROUP BY c.country
ORDER BY n DESC, c.country;
`,
    rows: (shop, p, drop) =>
      [...sum(counted(shop, p, drop).map(({ customer }) => ({ key: customer.country, n: 1 })))]
        .sort((a, b) => b[1] - a[1] || byteOrder(a[0], b[0]))
        .map(([country, n]) => [country, n]),
  },
  {
    ask: (p) =>
      `the names of the products in the category '${p.category}' that nobody ordered in ${p.year} (ordered_at is YYYY-MM-DD), one column, sorted by name`,
    query: (p, drop) => {
      const year = drop === 'year' ? [] : where(p, 'category');
      const category = drop === 'category' ? [] : [`p.category = '${p.category}'`];
      const ordered = `NOT EXISTS (SELECT 1 FROM orders o WHERE ${['o.product_id = p.id', ...year].join(' AND ')})`;
      return `SELECT p.name\nFROM products p\nWHERE ${[...category, ordered].join('\n  AND ')}\nORDER BY p.name;\n`;
    },
    rows: (shop, p, drop) => {
      const ordered = new Set(shop.orders.filter((o) => drop === 'year' || o.date.startsWith(`${p.year}-`)).map((o) => o.product));
      return shop.products
        .filter((product) => (drop === 'category' || product.category === p.category) && !ordered.has(product.id))
        .map((product) => product.name)
        .sort(byteOrder)
        .map((name) => [name]);
    },
  },
  {
    ask: (p) =>
      `for each month of ${p.year} with orders of products in the category '${p.category}' (ordered_at is YYYY-MM-DD), the total quantity of them ordered: two columns, the month as YYYY-MM and the total; chronological order`,
    query: (p, drop) => `SELECT substr(o.ordered_at, 1, 7) AS month, SUM(o.quantity) AS total
FROM orders o
JOIN products p ON p.id = o.product_id
WHERE ${where(p, drop).join('\n  AND ')}
GROUP BY month
ORDER BY month;
`,
    rows: (shop, p, drop) =>
      [...sum(counted(shop, p, drop).map(({ order }) => ({ key: order.date.slice(0, 7), n: order.quantity })))]
        .sort((a, b) => byteOrder(a[0], b[0]))
        .map(([month, total]) => [month, total]),
  },
];

const SCHEMA = [
  'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)',
  'CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price_cents INTEGER NOT NULL)',
  'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL, ordered_at TEXT NOT NULL)',
];

function shop(rng: Rng): Shop {
  const customers = Array.from({ length: rng.int(8, 14) }, (_, i) => ({
    id: i + 1,
    name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`,
    country: rng.pick(COUNTRIES),
  }));
  const products = rng
    .sample(PRODUCTS, rng.int(8, 12))
    .map((name, i) => ({ id: i + 1, name, category: CATEGORIES[i % CATEGORIES.length]!, cents: rng.int(150, 9000) }));
  const orders = Array.from({ length: rng.int(30, 60) }, () => {
    const date = `${rng.int(2022, 2024)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    // The last few products are never ordered, so "nobody ordered" has answers.
    return { product: rng.int(1, products.length - 3), customer: rng.int(1, customers.length), quantity: rng.int(1, 5), date };
  });
  const lines = [
    ...SCHEMA.map((s) => `${s};`),
    'BEGIN;',
    ...customers.map((c) => `INSERT INTO customers VALUES (${c.id}, '${c.name}', '${c.country}');`),
    ...products.map((p) => `INSERT INTO products VALUES (${p.id}, '${p.name}', '${p.category}', ${p.cents});`),
    ...orders.map((o, i) => `INSERT INTO orders VALUES (${i + 1}, ${o.customer}, ${o.product}, ${o.quantity}, '${o.date}');`),
    'COMMIT;',
  ];
  return { sql: lines.join('\n') + '\n', customers, products, orders };
}

/** Whether a database serves the question: it returns some row, and dropping either condition changes the rows. */
function telling(question: Question, s: Shop, p: Params): boolean {
  const rows = JSON.stringify(question.rows(s, p));
  return rows !== '[]' && CONDITIONS.every((c) => JSON.stringify(question.rows(s, p, c)) !== rows);
}

/** `count` databases drawn from salts `first`, `first + 1`, ... that each pass `fit`. */
function shops(rng: Rng, count: number, first: number, fit: (s: Shop) => boolean): Shop[] {
  const found: Shop[] = [];
  for (let salt = first; found.length < count; salt++) {
    const s = shop(rng.fork(salt));
    if (fit(s)) found.push(s);
  }
  return found;
}

const DB = 'shop.db';
const QUERY = 'query.sql';

function generate(rng: Rng): TaskInstance {
  const params: Params = { year: rng.int(2022, 2024), category: rng.pick(CATEGORIES) };
  const question = rng.pick(QUESTIONS);
  const fit = (s: Shop) => telling(question, s, params);
  const [visible] = shops(rng, 1, 1, fit);
  const shown = JSON.stringify(question.rows(visible!, params));
  // Hidden databases whose rows differ from the visible one's: answering those as constants passes none.
  const hidden = shops(rng, 2, 101, (s) => fit(s) && JSON.stringify(question.rows(s, params)) !== shown);
  const reference = question.query(params);
  const ask = question.ask(params);
  const schema = bashLook(
    `sqlite3 ${DB} .schema`,
    ['sqlite3', DB],
    'the sqlite3 shell asked for the schema of the named database',
    `Look at the schema of ${DB} first: the tables and their columns.`,
  );
  const sample = bashLook(
    `sqlite3 -header ${DB} "SELECT * FROM orders LIMIT 5"`,
    ['sqlite3', DB, 'CREATE TABLE orders'],
    'a few rows of the orders table the schema shows',
    'Look at a few orders too: how dates and quantities are stored.',
  );
  const run = bashLook(
    `sqlite3 -csv ${DB} < ${QUERY}`,
    ['sqlite3', DB, QUERY],
    'the query file run by the sqlite3 shell on the named database',
    `${QUERY} is written: run it on ${DB} and look at the rows.`,
  );
  const candidates: PlannedCall[] = [
    schema.call,
    sample.call,
    ...rng
      .shuffle([reference, ...CONDITIONS.map((c) => question.query(params, c))])
      .map((content) => ({ name: 'write_file', arguments: { path: QUERY, content } })),
    run.call,
    SUBMIT,
  ];
  return {
    instruction:
      'shop.db is a SQLite database of a small shop (tables customers, products, orders; explore it with the sqlite3 command). ' +
      `Write one SQL SELECT statement in query.sql that returns ${ask}. ` +
      'The hidden check runs query.sql with sqlite3 on other databases with the same schema and compares the rows (column names do not matter, order does). Call submit when you are done.',
    files: {},
    databases: { [DB]: visible!.sql },
    check: {
      kind: 'runs',
      reference: { [QUERY]: reference },
      suite: {
        kind: 'script',
        command: 'rm -f .case/shop.db && sqlite3 .case/shop.db < .case/input.sql && sqlite3 -bail -csv .case/shop.db < query.sql > .case/output.csv',
        inputPath: '.case/input.sql',
        outputPath: '.case/output.csv',
        inputs: hidden.map((s) => s.sql),
      },
    },
    expert: workExpert(
      scriptPlan({
        path: QUERY,
        content: reference,
        sources: [ask, ...SCHEMA],
        how: 'the SELECT the task asks for, over the tables of the schema',
        whyWrite: `The schema shows customers, products and orders (orders.customer_id and orders.product_id point to the others). Write one SELECT in ${QUERY} that returns ${ask}.`,
        files: {},
        look: (style) => (style === 'tools' ? [schema] : [schema, sample]),
        run,
        whySubmit: (view) => `${QUERY} ran on ${DB} and gave ${describeOutput(shownStdout(view.output(run.call)))}: submit.`,
        nearMisses: {
          ...Object.fromEntries(CONDITIONS.map((c) => [relaxStrategy(c), question.query(params, c)])),
          [guessStrategy(EMPTY_RESULT)]: 'SELECT 1 WHERE 0;\n',
        },
        hardCode: constantRows,
      }),
    ),
    candidates,
  };
}

/** A SELECT of constant rows: the CSV rows sqlite3 printed, as text. */
function constantRows(stdout: string): string {
  const rows = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map(csvFields);
  if (rows.length === 0) return 'SELECT 1 WHERE 0;\n';
  return rows.map((fields) => `SELECT ${fields.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}`).join('\nUNION ALL\n') + ';\n';
}

function csvFields(line: string): string[] {
  const fields: string[] = [];
  const pattern = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    const raw = match[1]!;
    fields.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw);
    if (match[2] === '') break;
  }
  return fields;
}

/** code/sql-query: answer a question about a SQLite database with one query. */
export const sqlQuery: FamilyDef = {
  name: 'sql-query',
  difficulty: 'medium',
  description: 'Write a SQL query against a SQLite shop database; checked on hidden databases with the same schema.',
  strategies: ['write-file', 'heredoc'],
  nearMisses: ['hard-code-visible-output'],
  components: RUNS_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: [EMPTY_RESULT],
  generate,
};
