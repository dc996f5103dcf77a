import type { Rng } from '@workgym/protocol';
import type { FamilyDef, PlannedCall, TaskInstance } from './task.js';

const FIRST = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eva', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia'];
const LAST = ['Lopez', 'Smith', 'Novak', 'Tanaka', 'Okafor', 'Berg', 'Rossi', 'Kim'];
const COUNTRIES = ['DE', 'FR', 'JP', 'BR', 'US', 'IN', 'NG'];
const CATEGORIES = ['tools', 'garden', 'kitchen', 'toys'];
const PRODUCTS = ['hammer', 'rake', 'kettle', 'yo-yo', 'wrench', 'hose', 'whisk', 'kite', 'drill', 'shovel', 'ladle', 'puzzle'];

interface Question {
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
    ask: (p) =>
      `the names of the products in the category '${p.category}' that were never ordered, one column, sorted by name`,
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

/** The shop database as SQL text (schema and rows). */
function shopSql(rng: Rng): string {
  const lines = [
    'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL);',
    'CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price_cents INTEGER NOT NULL);',
    'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL, ordered_at TEXT NOT NULL);',
    'BEGIN;',
  ];
  const customers = rng.int(8, 14);
  for (let id = 1; id <= customers; id++) {
    lines.push(`INSERT INTO customers VALUES (${id}, '${rng.pick(FIRST)} ${rng.pick(LAST)}', '${rng.pick(COUNTRIES)}');`);
  }
  const products = rng.sample(PRODUCTS, rng.int(8, 12));
  products.forEach((name, i) => {
    lines.push(`INSERT INTO products VALUES (${i + 1}, '${name}', '${CATEGORIES[i % CATEGORIES.length]}', ${rng.int(150, 9000)});`);
  });
  for (let id = 1; id <= rng.int(30, 60); id++) {
    const date = `${rng.int(2022, 2024)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    // Leave the last few products unordered so "never ordered" has answers.
    lines.push(`INSERT INTO orders VALUES (${id}, ${rng.int(1, customers)}, ${rng.int(1, products.length - 3)}, ${rng.int(1, 5)}, '${date}');`);
  }
  lines.push('COMMIT;');
  return lines.join('\n') + '\n';
}

function generate(rng: Rng): TaskInstance {
  const params: Params = { limit: rng.int(3, 5), year: rng.int(2022, 2024), category: rng.pick(CATEGORIES) };
  const question = rng.pick(QUESTIONS);
  const visible = shopSql(rng.fork(1));
  const reference = question.reference(params);
  const candidates: PlannedCall[] = [
    { name: 'bash', arguments: { command: 'sqlite3 shop.db .schema' } },
    { name: 'bash', arguments: { command: 'sqlite3 -header shop.db "SELECT * FROM orders LIMIT 5"' } },
    ...rng.shuffle([reference, ...question.wrong(params)]).map((content) => ({ name: 'write_file', arguments: { path: 'query.sql', content } })),
    { name: 'bash', arguments: { command: 'sqlite3 -csv shop.db < query.sql' } },
    { name: 'submit', arguments: {} },
  ];
  return {
    instruction:
      'shop.db is a SQLite database of a small shop (tables customers, products, orders; explore it with the sqlite3 command). ' +
      `Write one SQL SELECT statement in query.sql that returns ${question.ask(params)}. ` +
      'The hidden check runs query.sql with sqlite3 on this database and on other databases with the same schema and compares the rows (column names do not matter, order does). Call submit when you are done.',
    files: {},
    databases: { 'shop.db': visible },
    check: {
      kind: 'runs',
      reference: { 'query.sql': reference },
      suite: {
        kind: 'script',
        command: 'rm -f .case/shop.db && sqlite3 .case/shop.db < .case/input.sql && sqlite3 -bail -csv .case/shop.db < query.sql > .case/output.csv',
        inputPath: '.case/input.sql',
        outputPath: '.case/output.csv',
        inputs: [visible, ...[2, 3].map((salt) => shopSql(rng.fork(salt)))],
      },
    },
    expert: { explore: [{ name: 'bash', arguments: { command: 'sqlite3 shop.db .schema' } }] },
    candidates,
  };
}

/** code/sql-query: answer a question about a SQLite database with one query. */
export const sqlQuery: FamilyDef = {
  name: 'sql-query',
  difficulty: 'medium',
  description: 'Write a SQL query against a SQLite shop database; checked on hidden databases with the same schema.',
  candidates: true,
  generate,
};
