import { describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotNode } from '../src/browser/ax-snapshot.js';
import { navigate, tableRows, type ExpertView } from '../src/tasks/expert-kit.js';

function node(id: number, role: string, name: string, depth: number, extra: Partial<SnapshotNode> = {}): SnapshotNode {
  return { id, backendNodeId: id, role, name, value: '', depth, states: {}, ...extra };
}

function page(title: string, nodes: SnapshotNode[]): Snapshot {
  return { title, nodes, text: '' };
}

function view(current: { url: string; snapshot: Snapshot }, earlier: { url: string; snapshot: Snapshot }[] = []): ExpertView {
  return { url: new URL(current.url), snapshot: current.snapshot, seen: [...earlier, current], strategy: 'default' };
}

const queue = { url: 'http://desk.test/', snapshot: page('Ticket queue', [node(1, 'link', '#301 Charged twice', 1, { url: 'http://desk.test/tickets/301' })]) };
const customer = { url: 'http://desk.test/customers/201', snapshot: page('Ada Hall', [node(2, 'link', 'Ticket queue', 1, { url: 'http://desk.test/' })]) };

describe('navigate: the expert never types an address the episode has not shown', () => {
  it('clicks the link of the current page that leads there', () => {
    expect(navigate(view(queue), 'http://desk.test/tickets/301', 'open it')?.call).toEqual({ name: 'click', arguments: { id: 1 } });
  });

  it('types an address only when an earlier page of the episode was at it', () => {
    const ticket = { url: 'http://desk.test/tickets/301', snapshot: page('Ticket #301: Charged twice', []) };
    expect(navigate(view(customer, [queue, ticket]), 'http://desk.test/tickets/301', 'back to the ticket')?.call).toEqual({
      name: 'goto',
      arguments: { url: 'http://desk.test/tickets/301' },
    });
  });

  it('gives up on an address no page showed, even one a link of an earlier page led to', () => {
    expect(navigate(view(customer, [queue]), 'http://desk.test/tickets/301', 'open it')).toBeUndefined();
    expect(navigate(view(customer), 'http://desk.test/orders/5008', 'open it')).toBeUndefined();
  });
});

describe('tableRows', () => {
  it('reads the data rows of a table: cell texts and links, header rows left out', () => {
    const snapshot = page('Customers', [
      node(1, 'table', '', 0),
      node(2, 'row', '', 1),
      node(3, 'columnheader', 'Name', 2),
      node(4, 'row', '', 1),
      node(5, 'cell', 'Order 5001', 2),
      node(6, 'link', 'Order 5001', 3),
      node(7, 'cell', 'delivered', 2),
      node(8, 'StaticText', 'after the table', 0),
    ]);
    const rows = tableRows(snapshot);
    expect(rows.map((r) => r.cells)).toEqual([['Order 5001', 'delivered']]);
    expect(rows[0]!.links.map((l) => l.id)).toEqual([6]);
  });
});
