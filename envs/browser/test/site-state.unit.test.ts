import { diffStates, FamilyCatalogue } from '@workgym/protocol/kit';
import { describe, expect, it } from 'vitest';
import { AdminSite } from '../src/sites/admin.js';
import { HelpDeskSite } from '../src/sites/helpdesk.js';
import { ShopSite } from '../src/sites/shop.js';
import type { SiteApp } from '../src/sites/site-app.js';
import { sitesState, touchSites } from '../src/sites/state.js';
import { WebmailSite } from '../src/sites/webmail.js';
import { FAMILIES } from '../src/tasks/index.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { post, site } from './backend-attempts.js';

const catalogue = new FamilyCatalogue('browser', FAMILIES);

function instanceOf(family: string, seed = 1): TaskInstance {
  return catalogue.instance(`browser/${family}`, seed, 'train');
}

function get(app: SiteApp, path: string): void {
  void app.handle({ method: 'GET', path, query: new URLSearchParams(), form: new URLSearchParams() });
}

/** The keys `change` adds, removes or changes in the instance's snapshot. */
function changed(instance: TaskInstance, change: () => void): string[] {
  const before = sitesState(instance.sites);
  change();
  return diffStates(before, sitesState(instance.sites)).map((c) => c.key);
}

describe('the sites state snapshot (Session.state)', () => {
  it.each(FAMILIES.map((f) => f.name))('%s: touching an entry (Session.touch) changes exactly that entry, whichever it is', (family) => {
    const keys = Object.keys(sitesState(instanceOf(family).sites));
    // The first, the middle (the one the collateral case picks among the unexpected) and the last key.
    for (const key of new Set([keys[0]!, keys[Math.floor(keys.length / 2)]!, keys.at(-1)!])) {
      const instance = instanceOf(family);
      expect(changed(instance, () => touchSites(instance.sites, key))).toEqual([key]);
    }
  });

  it.each(FAMILIES.map((f) => f.name))('%s: every site has records, and two untouched snapshots are equal', (family) => {
    for (const seed of [1, 2, 3]) {
      const instance = instanceOf(family, seed);
      const state = sitesState(instance.sites);
      for (const app of instance.sites) {
        const name = app.host.replace(/\.test$/, '');
        expect(Object.keys(state).filter((k) => k.startsWith(`site:${name}/`)).length, `${app.host} has entries`).toBeGreaterThan(0);
      }
      // Reading pages changes nothing.
      for (const app of instance.sites) get(app, '/');
      expect(sitesState(instance.sites)).toEqual(state);
      expect(JSON.stringify(sitesState(instance.sites))).toBe(JSON.stringify(state));
    }
  });

  it('a reply posted to a ticket changes that ticket, and a refund adds one record', () => {
    const instance = instanceOf('desk-refund');
    const desk = site(instance, HelpDeskSite);
    const ticket = desk.data.tickets[0]!;
    expect(changed(instance, () => post(desk, `/tickets/${ticket.id}/reply`, { reply: 'On it.', status: 'pending' }))).toEqual([
      `site:desk/tickets/${ticket.id}`,
    ]);
    const order = desk.data.orders[0]!;
    expect(changed(instance, () => post(desk, `/orders/${order.id}/refund`, { amount: '1.00', reason: 'Goodwill' }))).toEqual(['site:desk/refunds/#0']);
  });

  it('a cart line, an edited user and a sent mail each show as their own key', () => {
    const shopTask = instanceOf('shop-buy-cheapest');
    const product = site(shopTask, ShopSite).data.products[0]!;
    expect(changed(shopTask, () => post(site(shopTask, ShopSite), '/cart/add', { id: product.id, qty: 2 }))).toEqual([`site:shop/cart/${product.id}`]);

    const adminTask = instanceOf('admin-edit-record');
    const admin = site(adminTask, AdminSite);
    const user = admin.users[0]!;
    const edit = { name: `${user.name} Jr`, email: user.email, role: user.role, plan: user.plan, active: user.active ? 'yes' : 'no' };
    expect(changed(adminTask, () => post(admin, `/users/${user.id}/edit`, edit))).toEqual([`site:admin/users/${user.id}`]);

    const mailTask = instanceOf('mail-forward');
    const mail = site(mailTask, WebmailSite);
    const sent = changed(mailTask, () => post(mail, '/send', { to: 'someone@example.com', subject: 'Hello', body: 'Hi.', ref: '' }));
    expect(sent).toEqual([`site:mail/messages/${Math.max(...mail.data.messages.map((m) => m.id))}`]);
  });

  it('an edit the form refuses changes nothing', () => {
    const instance = instanceOf('desk-refund');
    const desk = site(instance, HelpDeskSite);
    expect(changed(instance, () => post(desk, `/tickets/${desk.data.tickets[0]!.id}/reply`, { reply: '', status: 'solved' }))).toEqual([]);
  });
});
