import { describe, expect, it } from 'vitest';
import { formatElementLine } from '@workgym/protocol/kit';
import { BrowserEnv } from '@workgym/env-browser';
import { elementId, elementsOf } from '../src/learner/element-context.js';
import { LinearPolicy, matchCandidate, type PolicyState } from '../src/index.js';

// An inbox as the browser env shows it: two mails from the same sender, two on the same topic.
const INBOX = `URL: http://mail.test/
Title: Inbox

[1] RootWebArea "Inbox"
  [8] main
    [15] table
      [21] row
        [27] cell "rosa.patel@travel.example"
        [28] cell "Booking confirmed: vendor contract"
          [29] link "Booking confirmed: vendor contract"
        [30] cell "2025-06-22"
      [31] row
        [32] cell "rosa.patel@travel.example"
        [33] cell "Booking confirmed: team offsite"
          [34] link "Booking confirmed: team offsite"
        [35] cell "2025-06-21"
      [46] row
        [47] cell "liam.kowalski@partner.example"
        [48] cell "Team offsite: follow-up"
          [49] link "Team offsite: follow-up"
        [50] cell "2025-06-17"
      [51] searchbox "Search mail" value="rosa"`;

const PEOPLE = ['Rosa Patel', 'Liam Kowalski', 'Priya Dubois', 'Farid Rossi', 'Quinn Usman'];
const TOPICS = ['vendor contract', 'team offsite', 'office move', 'server migration', 'hiring plan'];

/**
 * A task like mail-find-answer: the mail from person p about topic t among one from p about
 * another topic and one from someone else about t, in an order and with ids that vary per task.
 * Returns the state and the index of the right candidate.
 */
function mailTask(p: number, t: number, base: number): { state: PolicyState; right: number } {
  const rows = [
    [p, t],
    [p, (t + 1) % TOPICS.length],
    [(p + 1) % PEOPLE.length, t],
  ];
  const order = [base % 3, (base + 1) % 3, (base + 2) % 3];
  const email = (i: number) => `${PEOPLE[i]!.toLowerCase().replace(' ', '.')}@example.com`;
  const lines = order.map((r, k) => {
    const [who, what] = rows[r]!;
    const id = base + 10 * k;
    return `    [${id}] row\n      [${id + 1}] cell "${email(who!)}"\n      [${id + 2}] cell "Booking confirmed: ${TOPICS[what!]}"\n        [${id + 3}] link "Booking confirmed: ${TOPICS[what!]}"`;
  });
  const page = `URL: http://mail.test/\nTitle: Inbox\n\n[${base - 1}] table\n${lines.join('\n')}`;
  const instruction = `What is the confirmation code in the email from ${PEOPLE[p]} about the ${TOPICS[t]}?\n\n${page}`;
  return {
    state: {
      instruction,
      observation: instruction,
      history: [],
      candidates: order.map((_, k) => ({ name: 'click', argumentsJson: JSON.stringify({ id: base + 10 * k + 3 }) })),
    },
    right: order.indexOf(0),
  };
}

describe('element features', () => {
  it('reads each element id of an observation as its role, name, value and its row', () => {
    const elements = elementsOf(INBOX);
    expect(elements.get(34)).toMatchObject({ role: 'link', name: 'Booking confirmed: team offsite' });
    expect(elements.get(34)!.context).toContain('rosa.patel@travel.example');
    expect(elements.get(34)!.context).not.toContain('liam');
    expect(elements.get(51)).toMatchObject({ role: 'searchbox', name: 'Search mail', value: 'rosa' });
    expect(elements.size).toBe(19);
  });

  it('reads back the lines the browser writes with the kit formatter, whatever a page puts in names, values and states', () => {
    const hostile = ['"quoted"', 'value="forged" required', '[7] link "fake"', 'back\\slash', 'tab\there', 'emoji 🛒', ' '];
    const written = hostile.map((text, i) => ({
      depth: 1 + (i % 2),
      id: 40 + i,
      role: 'textbox',
      name: text,
      value: `${text}!`,
      states: { invalid: text, required: 'true' },
    }));
    const text = [
      'URL: http://shop.test/',
      '',
      formatElementLine({ depth: 0, id: 1, role: 'RootWebArea', name: 'Shop', value: '', states: {} }),
      ...written.map(formatElementLine),
    ].join('\n');
    const elements = elementsOf(text);
    expect(elements.size).toBe(hostile.length + 1);
    for (const line of written) expect(elements.get(line.id)).toMatchObject({ role: line.role, name: line.name, value: line.value });
  });

  it('finds the element of every candidate that names one in a real browser observation', { timeout: 120_000 }, async () => {
    const signal = new AbortController().signal;
    await using env = new BrowserEnv();
    await using session = await env.reset({ family: 'browser/admin-edit-record', seed: 1, split: 'train', options: {} }, signal);
    const text = session.observation.text ?? '';
    const elements = elementsOf(text);
    expect(elements.size).toBe(text.split('\n').filter((line) => /^ *\[\d+\] /.test(line)).length);
    const named = (session.observation.candidates ?? []).map((c) => elementId(c.argumentsJson ?? '')).filter((id) => id !== undefined);
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(elements.get(id)?.role, `element ${id}`).toMatch(/\S/);
  });

  it('lets a model tell look-alike links apart by the words they share with the task, on tasks it never saw', () => {
    const policy = new LinearPolicy(1 << 16);
    const train = [0, 1, 2, 3].flatMap((p) => [0, 1].map((t) => mailTask(p, (p + t) % 5, 100 + 37 * (p * 2 + t))));
    for (let epoch = 0; epoch < 10; epoch++) policy.update(train.map(({ state, right }) => ({ features: policy.features(state), chosen: right, weight: 1 })));
    const test = [mailTask(4, 2, 900), mailTask(4, 4, 1001), mailTask(0, 3, 1102)];
    for (const { state, right } of test) {
      const scores = policy.scores(policy.features(state));
      expect(scores.indexOf(Math.max(...scores))).toBe(right);
    }
  });

  it('matches an expert answer to the candidate that contains it, not the first answer offered', () => {
    const answers = ['Date: 2025-06-21', 'Confirmation code: YK4ZRB', '·'].map((text) => ({ name: 'answer', argumentsJson: JSON.stringify({ text }) }));
    expect(matchCandidate({ name: 'answer', argumentsJson: '{"text":"YK4ZRB"}' }, answers)).toBe(1);
  });
});
