// The people families played in Chromium as `workgym check` plays them: the customer answers the
// agent's reply on the ticket's thread, the expert acts on what they said (a slip corrected, an
// offer accepted or declined), and the kit's muted and paraphrase cases hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv } from '@workgym/protocol';
import { FAMILIES } from '../src/tasks/index.js';
import { connectBrowserEnv } from './helpers.js';

let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv({ maxSessions: 4 });
});

afterAll(async () => {
  await h?.close();
});

const PEOPLE = FAMILIES.filter((f) => f.features?.includes('people')).map((f) => `browser/${f.name}`);
const DESK = PEOPLE.filter((f) => f.startsWith('browser/desk-'));
/** desk-ask-order's customer slips on seed 3; desk-ask-approval's accepts on 1 and 2 and declines on 3 (desk-thread.unit.test.ts checks it). */
const SEEDS = [1, 2, 3];

describe('people families in Chromium', () => {
  it('pass checkEnv: the expert asks the customer on the ticket and acts on the answer; muted, near-misses, relaxations, guesses and collateral fail', async () => {
    expect(DESK).toEqual(['browser/desk-ask-order', 'browser/desk-ask-approval']);
    const report = await checkEnv(h.client, { families: DESK, seeds: SEEDS, relaxationSeeds: [1, 2], guessSeeds: [1, 2, 3] });
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.results.filter((r) => r.check === 'muted' && r.ok)).toHaveLength(DESK.length * SEEDS.length);
    expect(report.results.filter((r) => r.check === 'paraphrase' && r.ok)).toHaveLength(DESK.length * SEEDS.length);
  }, 1_500_000);

  // chat-ask-detail's account manager slips on seed 1; the agreed plan is free on 1, enterprise on 2 and 3 (chat-site.unit.test.ts).
  it('pass checkEnv on the team chat: the expert asks the account manager in a direct message and sets the plan they name in the admin console', async () => {
    await expectConforms('browser/chat-ask-detail', SEEDS);
  }, 1_500_000);

  // mail-ask-colleague's colleague slips on seed 1 (mail-people.unit.test.ts checks slips and answers).
  it('pass checkEnv on the webmail: the expert mails the colleague, reads their answer in the inbox and replies to the customer with it', async () => {
    await expectConforms('browser/mail-ask-colleague', SEEDS);
  }, 1_500_000);

  // contacts-ask-colleague's seeds 2, 3 and 5 are of its three tiers, and its account manager slips on 5 (mail-people.unit.test.ts checks the draws).
  it('pass checkEnv on the webmail and the contacts: the expert mails the account manager and sets the number they give on the client', async () => {
    await expectConforms('browser/contacts-ask-colleague', [2, 3, 5]);
  }, 1_500_000);
});

/** One people family passes checkEnv on `seeds`, with its muted, paraphrase and collateral cases on each. */
async function expectConforms(family: string, seeds: number[]): Promise<void> {
  expect(PEOPLE).toContain(family);
  const report = await checkEnv(h.client, { families: [family], seeds, relaxationSeeds: [1, 2], guessSeeds: [1, 2, 3] });
  expect(report.results.filter((r) => !r.ok)).toEqual([]);
  for (const check of ['muted', 'paraphrase', 'collateral'])
    expect(
      report.results.filter((r) => r.check === check && r.ok),
      check,
    ).toHaveLength(seeds.length);
}
