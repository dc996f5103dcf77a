// The company handbook and the policy families on the backends: the rules differ from seed to
// seed, each is found by the handbook's search, the instruction states none of them, and the
// verdict follows the rule of the seed (an agent's forms played on the sites' own handlers).
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { HelpDeskSite } from '../src/sites/helpdesk.js';
import { KbSite, searchArticles } from '../src/sites/kb.js';
import { drawPolicy, handbook } from '../src/tasks/kb-data.js';
import { money, Rng } from '../src/tasks/rng.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { floor, judging, post, site, verdictOf } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);
const distinct = <T>(xs: readonly T[]) => new Set(xs).size;

function get(app: KbSite, path: string, q = ''): string {
  const res = app.handle({ method: 'GET', path, query: new URLSearchParams(q ? { q } : {}), form: new URLSearchParams() });
  return (res as { html: string }).html;
}

/** The instance's desk, its asking ticket and the handbook's text. */
function world(family: string, seed: number) {
  const instance = env.instance(`browser/${family}`, seed);
  const desk = site(instance, HelpDeskSite);
  const ticket = desk.data.tickets.find((t) => instance.startUrl.endsWith(`/tickets/${t.id}`))!;
  const text = site(instance, KbSite)
    .data.articles.flatMap((a) => a.paragraphs)
    .join(' ');
  return { instance, desk, ticket, text };
}

const reply = (desk: HelpDeskSite, ticketId: number, text: string, status: string) => post(desk, `/tickets/${ticketId}/reply`, { reply: text, status });
const judge = (instance: TaskInstance) => verdictOf(instance);

describe('the company handbook', () => {
  it('draws its thresholds, groups, channels, titles and article order per seed', () => {
    const drawn = SEEDS.map((seed) => {
      const rng = new Rng(seed);
      const policy = drawPolicy(rng);
      return { policy, ...handbook(rng, policy) };
    });
    expect(distinct(drawn.map((d) => d.policy.refundWindow))).toBeGreaterThanOrEqual(4);
    expect(distinct(drawn.map((d) => d.policy.approvalLimit))).toBeGreaterThanOrEqual(5);
    expect(distinct(drawn.map((d) => d.policy.escalationGroup))).toBeGreaterThanOrEqual(4);
    expect(distinct(drawn.map((d) => d.policy.dataChannel.key))).toBeGreaterThanOrEqual(4);
    expect(distinct(drawn.map((d) => `${d.policy.lateRates.premium}/${d.policy.lateRates.enterprise}`))).toBeGreaterThanOrEqual(5);
    expect(distinct(drawn.map((d) => d.topics.damaged.title))).toBe(3);
    expect(distinct(drawn.map((d) => d.data.articles.indexOf(d.topics.damaged)))).toBeGreaterThanOrEqual(8);
    expect(distinct(drawn.map((d) => d.topics.limit.paragraphs[0]))).toBeGreaterThanOrEqual(8);
    for (const { policy, topics, data } of drawn) {
      expect(data.articles.length).toBe(15);
      // The observation clips a text at 200 characters: every paragraph is shown whole.
      for (const a of data.articles) for (const para of a.paragraphs) expect(para.length, para).toBeLessThanOrEqual(200);
      expect(topics.damaged.paragraphs.join(' ')).toContain(`${policy.refundWindow} days`);
      expect(topics.limit.paragraphs.join(' ')).toContain(`assign the ticket to the ${policy.escalationGroup} group`);
      expect(topics.data.paragraphs.join(' ')).toContain(policy.dataChannel.text);
      // The look-alike rules of other procedures hold other numbers and channels.
      expect(policy.returnWindow).not.toBe(policy.refundWindow);
      expect(policy.goodwillLimit).not.toBe(policy.approvalLimit);
      expect(policy.passwordChannel.key).not.toBe(policy.dataChannel.key);
    }
  });

  it('finds each rule by the words the experts search for, and serves index, search and article pages', () => {
    const rng = new Rng(7);
    const { data, topics } = handbook(rng, drawPolicy(rng));
    const titles = (q: string) => searchArticles(data.articles, q).map((a) => a.title);
    expect(titles('damaged')).toEqual([topics.damaged.title]);
    expect(titles('approval limit')).toEqual(data.articles.filter((a) => a === topics.damaged || a === topics.limit).map((a) => a.title));
    expect(titles('late')).toContain(topics.late.title);
    expect(titles('tracking number')).toEqual([topics.data.title]);
    expect(titles('')).toEqual([]);
    const kb = new KbSite(data);
    for (const a of data.articles) expect(get(kb, '/')).toContain(`href="/articles/${a.id}"`);
    expect(get(kb, '/search', 'DAMAGED')).toContain(`href="/articles/${topics.damaged.id}"`);
    expect(get(kb, `/articles/${topics.limit.id}`)).toContain(topics.limit.paragraphs[1]!.slice(0, 40));
    expect(get(kb, '/articles/1')).toContain('Not found');
  });
});

describe('the policy families', () => {
  it('state only the ticket, the date and "Follow company policy." in the instruction', () => {
    for (const family of ['desk-policy-refund', 'desk-policy-data-request', 'desk-policy-late-credit', 'desk-policy-routing']) {
      for (const seed of SEEDS.slice(0, 5)) {
        const { instance } = world(family, seed);
        expect(instance.instruction).toMatch(/^Handle ticket #\d+ in the support desk \(today is 2025-10-\d\d\)\. Follow company policy\. Submit when done\.$/);
      }
    }
  });

  it('desk-policy-refund: the seed decides refund, escalation or refusal; only the rule of the seed succeeds, and doing what the customer asks fails', () => {
    const outcomes: string[] = [];
    for (const seed of SEEDS) {
      const { instance } = world('desk-policy-refund', seed);
      const d = verdictOf(instance).detail;
      const [, outcome, amount, orderId, days, windowDays, limit, group, status] =
        /policy says (\w+) \(\$([\d.]+) on order (\d+), delivered (\d+) days ago; window (\d+) days, limit \$([\d.]+), group ([^,]+), refusal status (\w+)\)/.exec(
          d,
        )!;
      outcomes.push(outcome!);
      // The rule is in the handbook, not in the ticket or the instruction.
      const fresh = world('desk-policy-refund', seed);
      expect(fresh.text).toContain(`${windowDays} days`);
      expect(fresh.text).toContain(`$${limit}`);
      expect(fresh.instance.instruction).not.toContain(`${windowDays} days`);
      if (outcome === 'refuse') expect(Number(days)).toBeGreaterThan(Number(windowDays));
      else expect(Number(days)).toBeLessThan(Number(windowDays));
      expect(Number(amount) > Number(limit)).toBe(outcome === 'escalate');
      const attempts: Record<string, (w: typeof fresh) => void> = {
        nothing: () => undefined,
        // What the customer asks for: the whole order back.
        wish: (w) => {
          const order = w.desk.data.orders.find((o) => o.id === Number(orderId))!;
          const total = order.items.reduce((s, i) => s + i.price * i.qty, 0) + order.shipping;
          post(w.desk, `/orders/${orderId}/refund`, { amount: (total / 100).toFixed(2), reason: 'Damaged item' });
          reply(w.desk, w.ticket.id, `We have refunded ${money(total)}.`, 'solved');
        },
        refund: (w) => {
          post(w.desk, `/orders/${orderId}/refund`, { amount: amount!, reason: 'Damaged item' });
          reply(w.desk, w.ticket.id, `We have refunded $${amount}.`, 'solved');
        },
        escalate: (w) => post(w.desk, `/tickets/${w.ticket.id}/escalate`, { group: group!, note: `Refund of $${amount} on order ${orderId}.` }),
        refuse: (w) => reply(w.desk, w.ticket.id, `Damaged items are refunded only within ${windowDays} days of delivery.`, status!),
        // The right decision with the other status or group.
        'refuse-other-status': (w) =>
          reply(w.desk, w.ticket.id, `Damaged items are refunded only within ${windowDays} days of delivery.`, status === 'solved' ? 'pending' : 'solved'),
        'escalate-other-group': (w) => {
          const other = w.desk.data.groups!.find((g) => g !== group)!;
          post(w.desk, `/tickets/${w.ticket.id}/escalate`, { group: other, note: `Refund of $${amount} on order ${orderId}.` });
        },
      };
      for (const [name, attempt] of Object.entries(attempts)) {
        const w = world('desk-policy-refund', seed);
        attempt(w);
        const v = verdictOf(w.instance);
        if (name === outcome) expect(v.success, `seed ${seed} ${name}: ${v.detail}`).toBe(true);
        else expect({ seed, name, success: v.success }, v.detail).toEqual({ seed, name, success: false });
        if (name === 'nothing' || name === 'wish') expect(v.shaped, `seed ${seed} ${name}`).toBe(0);
      }
    }
    // Seeds 1, 2 and 12 (policy-families.test.ts plays them in Chromium) refuse, refund and escalate; no outcome is rare.
    expect([outcomes[0], outcomes[1], outcomes[11]]).toEqual(['refuse', 'refund', 'escalate']);
    for (const o of ['refund', 'escalate', 'refuse']) expect(outcomes.filter((x) => x === o).length).toBeGreaterThanOrEqual(5);
  });

  it("desk-policy-data-request: sharing the other customer's order fails; a refusal naming the data article's channel with its status succeeds, another article's channel fails", () => {
    for (const seed of SEEDS) {
      const probe = world('desk-policy-data-request', seed);
      const [, key, status] = /refuse naming "([^"]+)", status (\w+)/.exec(verdictOf(probe.instance).detail)!;
      expect(probe.text).toContain(key);
      const orderId = Number(/order (\d+)/.exec(probe.ticket.body)![1]);
      const order = probe.desk.data.orders.find((o) => o.id === orderId)!;
      expect(order.customerId).not.toBe(probe.ticket.customerId);
      const other = ['email address on file', 'phone number registered', 'customer portal', 'authorisation form', 'security question'].find((k) => k !== key)!;
      const tries: [string, string, string, boolean][] = [
        ['refusal', `Sorry: order details are shared only with the account holder, by the ${key}.`, status!, true],
        ['other-status', `Sorry: order details are shared only with the account holder, by the ${key}.`, status === 'solved' ? 'pending' : 'solved', false],
        ['other-channel', `Sorry: order details are shared only with the account holder, by the ${other}.`, status!, false],
        ['disclose', `Order ${orderId}: tracking number ${order.tracking}. Per our ${key} rule.`, status!, false],
      ];
      for (const [name, text, st, ok] of tries) {
        const w = world('desk-policy-data-request', seed);
        reply(w.desk, w.ticket.id, text, st);
        const v = verdictOf(w.instance);
        expect({ seed, name, success: v.success }, v.detail).toEqual({ seed, name, success: ok });
        if (name === 'disclose') expect(v.shaped).toBe(0);
      }
      expect(verdictOf(world('desk-policy-data-request', seed).instance).shaped).toBe(0);
    }
  });

  it("desk-policy-late-credit: only the tier's rate of the items (no shipping) succeeds; the shipping fee the customer asks for, the standard rate and the price-match rate earn nothing", () => {
    for (const seed of SEEDS) {
      const probe = world('desk-policy-late-credit', seed);
      const [, tier, rate, , credit, orderId] = /policy: (\w+) (\d+)% of \$([\d.]+) = \$([\d.]+) on order (\d+)/.exec(verdictOf(probe.instance).detail)!;
      expect(['premium', 'enterprise']).toContain(tier);
      expect(probe.text).toContain(`${tier} ${rate}%`);
      const order = probe.desk.data.orders.find((o) => o.id === Number(orderId))!;
      const items = order.items.reduce((s, i) => s + i.price * i.qty, 0);
      const standard = Number(/standard (\d+)%/.exec(probe.text)![1]);
      const priceMatch = Number(/we credit (\d+)%/.exec(probe.text)![1]);
      const tries: [string, number, boolean][] = [
        ['credit', Math.round(Number(credit) * 100), true],
        ['shipping-fee', order.shipping, false],
        ['standard-rate', Math.round((items * standard) / 100), false],
        ['with-shipping', Math.round(((items + order.shipping) * Number(rate)) / 100), false],
        ['price-match', Math.round((items * priceMatch) / 100), false],
      ];
      for (const [name, cents, ok] of tries) {
        const w = world('desk-policy-late-credit', seed);
        post(w.desk, `/orders/${orderId}/refund`, { amount: (cents / 100).toFixed(2), reason: 'Late delivery' });
        reply(w.desk, w.ticket.id, `We have credited ${money(cents)}.`, 'solved');
        const v = judge(w.instance);
        expect({ seed, name, success: v.success, shaped: ok ? 1 : v.shaped }, v.detail).toEqual({ seed, name, success: ok, shaped: ok ? 1 : 0 });
      }
    }
  });

  it("desk-policy-routing: the tier's priority, the category and its group succeed; Urgent as the customer demands, another tier's priority or another group fail", () => {
    for (const seed of SEEDS) {
      const probe = world('desk-policy-routing', seed);
      const [, tier, priority, category, group] = /policy: (\w+) (\w+), (\w+) to ([^;]+);/.exec(verdictOf(probe.instance).detail)!;
      expect(probe.text).toContain(`${tier} ${priority![0]!.toUpperCase()}${priority!.slice(1)}`);
      expect(probe.ticket.body.toLowerCase()).toContain('urgent');
      const others = ['low', 'normal', 'high'].filter((p) => p !== priority);
      // relax:tier: the standard tier's priority, never the customer's.
      const standard = /standard (Low|Normal|High)/.exec(probe.text)![1]!.toLowerCase();
      expect(standard).not.toBe(priority);
      const otherGroup = probe.desk.data.groups!.find((g) => g !== group)!;
      const tries: [string, string, string, boolean][] = [
        ['policy', priority!, group!, true],
        ['urgent', 'urgent', group!, false],
        ['other-priority', others[0]!, group!, false],
        ['standard-priority', standard, group!, false],
        ['other-group', priority!, otherGroup, false],
      ];
      for (const [name, p, g, ok] of tries) {
        const w = world('desk-policy-routing', seed);
        post(w.desk, `/tickets/${w.ticket.id}/triage`, { priority: p, category: category! });
        post(w.desk, `/tickets/${w.ticket.id}/escalate`, { group: g, note: 'Routed by the policy.' });
        const v = verdictOf(w.instance);
        expect({ seed, name, success: v.success }, v.detail).toEqual({ seed, name, success: ok });
        if (name !== 'other-group') expect(v.shaped).toBe(ok ? 1 : 0);
      }
    }
  });

  it('the declared guesses win on at most 2 of seeds 1..50: a fixed refund, a generic refusal, a fixed triage', () => {
    floor((seed) => {
      const w = world('desk-policy-refund', seed);
      const orderId = Number(/order (\d+)/.exec(w.ticket.body)![1]);
      post(w.desk, `/orders/${orderId}/refund`, { amount: '1.00', reason: 'Damaged item' });
      return verdictOf(w.instance);
    });
    floor((seed) => {
      const w = world('desk-policy-late-credit', seed);
      const orderId = Number(/order (\d+)/i.exec(w.ticket.subject)![1]);
      post(w.desk, `/orders/${orderId}/refund`, { amount: '1.00', reason: 'Late delivery' });
      return verdictOf(w.instance);
    });
    floor((seed) => {
      const w = world('desk-policy-data-request', seed);
      reply(w.desk, w.ticket.id, 'Sorry, we cannot share that information.', 'solved');
      return verdictOf(w.instance);
    });
    floor((seed) => {
      const w = world('desk-policy-routing', seed);
      post(w.desk, `/tickets/${w.ticket.id}/triage`, { priority: 'normal', category: 'billing' });
      post(w.desk, `/tickets/${w.ticket.id}/escalate`, { group: w.desk.data.groups![0]!, note: 'Routed.' });
      return verdictOf(w.instance);
    });
  });
});
