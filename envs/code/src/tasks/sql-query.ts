import type { Rng } from '@workgym/protocol';
import { describeOutput, scriptPlan } from './expert/script-work.js';
import { shownStdout } from './expert/shell.js';
import { bashLook, SUBMIT } from './expert/step.js';
import { workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import type { FamilyDef, TaskInstance } from './task.js';

const FIRST = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eva', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia'];
const LAST = ['Lopez', 'Smith', 'Novak', 'Tanaka', 'Okafor', 'Berg', 'Rossi', 'Kim'];
const COUNTRIES = ['DE', 'FR', 'JP', 'BR', 'US', 'IN', 'NG'];
const CATEGORIES = ['tools', 'garden', 'kitchen', 'toys'];
const PRODUCTS = ['hammer', 'rake', 'kettle', 'yo-yo', 'wrench', 'hose', 'whisk', 'kite', 'drill', 'shovel', 'ladle', 'puzzle'];

interface Question {
  /** Asks for a set of products that may well be empty: the generator makes sure the data sets differ on it. */
  mayBeEmpty?: boolean;
  ask(p: Params): string;
  reference(p: Params): string;
  wrong(p: Params): string[];
}

interface Params {
  limit: number;
  year: number;
  category: string;
}

const QUESTIONS: Question[] = [
  {
    ask: (p) =>
      `the ${p.limit} customers who spent the most over all their orders (spent = sum of quantity * products.price_cents): two columns, the customer's name and the amount in cents; largest first, ties by name`,
    reference: (p) => `SELECT c.name, SUM(o.quantity * p.price_cents) AS spent
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN products p ON p.id = o.product_id
GROUP BY c.id
ORDER BY spent DESC, c.name
LIMIT ${p.limit};
`,
    wrong: (p) => [
      `SELECT c.name, SUM(p.price_cents) AS spent\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nJOIN products p ON p.id = o.product_id\nGROUP BY c.id\nORDER BY spent DESC, c.name\nLIMIT ${p.limit};\n`,
      `SELECT c.name, SUM(o.quantity * p.price_cents) AS spent\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nJOIN products p ON p.id = o.product_id\nGROUP BY c.id\nORDER BY spent\nLIMIT ${p.limit};\n`,
    ],
  },
  {
    ask: (p) =>
      `for each country, the number of orders its customers placed in ${p.year} (ordered_at is YYYY-MM-DD): two columns, the country and the count; only countries with at least one such order; most orders first, ties by country`,
    reference: (p) => `SELECT c.country, COUNT(*) AS n
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.ordered_at >= '${p.year}-01-01' AND o.ordered_at < '${p.year + 1}-01-01'
GROUP BY c.country
ORDER BY n DESC, c.country;
`,
    wrong: (p) => [
      `SELECT c.country, COUNT(*) AS n\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nGROUP BY c.country\nORDER BY n DESC, c.country;\n`,
      `SELECT c.country, SUM(o.quantity) AS n\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nWHERE o.ordered_at LIKE '${p.year}-%'\nGROUP BY c.country\nORDER BY n DESC, c.country;\n`,
    ],
  },
  {
    mayBeEmpty: true,
    ask: (p) => `the names of the products in the category '${p.category}' that were never ordered, one column, sorted by name`,
    reference: (p) => `SELECT p.name
FROM products p
WHERE p.category = '${p.category}'
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.product_id = p.id)
ORDER BY p.name;
`,
    wrong: (p) => [
      `SELECT p.name\nFROM products p\nWHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.product_id = p.id)\nORDER BY p.name;\n`,
      `SELECT DISTINCT p.name\nFROM products p\nJOIN orders o ON o.product_id = p.id\nWHERE p.category = '${p.category}'\nORDER BY p.name;\n`,
    ],
  },
  {
    ask: (p) =>
      `for each month of ${p.year} with orders, the total quantity ordered of products in the category '${p.category}': two columns, the month as YYYY-MM and the total (0 when none of that category); chronological order`,
    reference: (p) => `SELECT substr(o.ordered_at, 1, 7) AS month,
       SUM(CASE WHEN p.category = '${p.category}' THEN o.quantity ELSE 0 END) AS total
FROM orders o
JOIN products p ON p.id = o.product_id
WHERE substr(o.ordered_at, 1, 4) = '${p.year}'
GROUP BY month
ORDER BY month;
`,
    wrong: (p) => [
      `SELECT substr(o.ordered_at, 1, 7) AS month, SUM(o.quantity) AS total\nFROM orders o\nJOIN products p ON p.id = o.product_id\nWHERE substr(o.ordered_at, 1, 4) = '${p.year}' AND p.category = '${p.category}'\nGROUP BY month\nORDER BY month;\n`,
      `SELECT substr(o.ordered_at, 1, 7) AS month, COUNT(*) AS total\nFROM orders o\nJOIN products p ON p.id = o.product_id\nWHERE substr(o.ordered_at, 1, 4) = '${p.year}'\nGROUP BY month\nORDER BY month;\n`,
    ],
  },
];

const SCHEMA = [
  'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)',
  'CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price_cents INTEGER NOT NULL)',
  'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL, ordered_at TEXT NOT NULL)',
];

interface Shop {
  /** The database as SQL text (schema and rows). */
  sql: string;
  /** The names of the never-ordered products of a category, sorted. */
  neverOrdered(category: string): string[];
}

function shop(rng: Rng): Shop {
  const lines = [...SCHEMA.map((s) => `${s};`), 'BEGIN;'];
  const customers = rng.int(8, 14);
  for (let id = 1; id <= customers; id++) {
    lines.push(`INSERT INTO customers VALUES (${id}, '${rng.pick(FIRST)} ${rng.pick(LAST)}', '${rng.pick(COUNTRIES)}');`);
  }
  const products = rng.sample(PRODUCTS, rng.int(8, 12));
  products.forEach((name, i) => {
    lines.push(`INSERT INTO products VALUES (${i + 1}, '${name}', '${CATEGORIES[i % CATEGORIES.length]}', ${rng.int(150, 9000)});`);
  });
  const ordered = new Set<number>();
  for (let id = 1; id <= rng.int(30, 60); id++) {
    const date = `${rng.int(2022, 2024)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    // Leave the last few products unordered so "never ordered" has answers.
    const product = rng.int(1, products.length - 3);
    ordered.add(product);
    lines.push(`INSERT INTO orders VALUES (${id}, ${rng.int(1, customers)}, ${product}, ${rng.int(1, 5)}, '${date}');`);
  }
  lines.push('COMMIT;');
  return {
    sql: lines.join('\n') + '\n',
    neverOrdered: (category) => products.filter((_, i) => CATEGORIES[i % CATEGORIES.length] === category && !ordered.has(i + 1)).sort(),
  };
}

/**
 * The hidden databases: salts 2 and 3, unless the question's answer can be the same on every
 * database (an empty list, typically); then later salts replace them until one answer differs
 * from the visible database's, so answering the visible result as a constant never passes.
 */
function hiddenShops(rng: Rng, visible: Shop, question: Question, params: Params): Shop[] {
  const hidden = [shop(rng.fork(2)), shop(rng.fork(3))];
  const answer = (s: Shop) => JSON.stringify(s.neverOrdered(params.category));
  for (let salt = 4; question.mayBeEmpty && hidden.every((s) => answer(s) === answer(visible)); salt++) hidden[1] = shop(rng.fork(salt));
  return hidden;
}

const DB = 'shop.db';
const QUERY = 'query.sql';

function generate(rng: Rng): TaskInstance {
  const params: Params = { limit: rng.int(3, 5), year: rng.int(2022, 2024), category: rng.pick(CATEGORIES) };
  const question = rng.pick(QUESTIONS);
  const visible = shop(rng.fork(1));
  const reference = question.reference(params);
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
    ...rng.shuffle([reference, ...question.wrong(params)]).map((content) => ({ name: 'write_file', arguments: { path: QUERY, content } })),
    run.call,
    SUBMIT,
  ];
  return {
    instruction:
      'shop.db is a SQLite database of a small shop (tables customers, products, orders; explore it with the sqlite3 command). ' +
      `Write one SQL SELECT statement in query.sql that returns ${ask}. ` +
      'The hidden check runs query.sql with sqlite3 on this database and on other databases with the same schema and compares the rows (column names do not matter, order does). Call submit when you are done.',
    files: {},
    databases: { [DB]: visible.sql },
    check: {
      kind: 'runs',
      reference: { [QUERY]: reference },
      suite: {
        kind: 'script',
        command: 'rm -f .case/shop.db && sqlite3 .case/shop.db < .case/input.sql && sqlite3 -bail -csv .case/shop.db < query.sql > .case/output.csv',
        inputPath: '.case/input.sql',
        outputPath: '.case/output.csv',
        inputs: [visible.sql, ...hiddenShops(rng, visible, question, params).map((s) => s.sql)],
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
        nearMisses: {},
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
  generate,
};
