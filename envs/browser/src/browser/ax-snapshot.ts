import { formatElementLine } from '@workgym/protocol/kit';
import type { CDPSession, Protocol } from 'puppeteer-core';

type AXNode = Protocol.Accessibility.AXNode;

/** One element the agent can refer to by `id`. */
export interface SnapshotNode {
  id: number;
  backendNodeId: number;
  role: string;
  name: string;
  value: string;
  depth: number;
  /** checked, selected, disabled, expanded, required, invalid, focused... (only those set). */
  states: Record<string, string>;
  /** For a combobox/listbox: the labels of its options. */
  options?: string[];
  /** For a link: where it leads. */
  url?: string;
}

export interface Snapshot {
  nodes: SnapshotNode[];
  text: string;
  /** The document's title (the root web area's name), read with the tree: no extra round trip. */
  title: string;
}

/** Roles whose nodes are structure only; their children are shown in their place. */
const TRANSPARENT = new Set([
  'generic',
  'none',
  'presentation',
  'InlineTextBox',
  'LineBreak',
  'group',
  'Section',
  'paragraph',
  'LayoutTable',
  'LayoutTableRow',
  'LayoutTableCell',
  'MenuListPopup',
  'ListMarker',
  'strong',
  'emphasis',
  'time',
  'label',
  'LabelText',
]);
export const INTERACTIVE = new Set([
  'link',
  'button',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'switch',
  'spinbutton',
  'slider',
  'menuitem',
  'tab',
  'option',
  'menuitemcheckbox',
  'menuitemradio',
  'treeitem',
  'gridcell',
  'textarea',
]);
const STATES = ['checked', 'selected', 'disabled', 'expanded', 'required', 'invalid', 'readonly', 'pressed'];

/**
 * Element ids that stay the same while the element lives: each DOM node (Chromium's
 * backendNodeId) gets the next number the first time it is seen and keeps it. Nothing is written
 * into the page, so pages cannot see or spoof the ids.
 */
export class ElementIds {
  private byBackend = new Map<number, number>();
  private nextId = 1;

  idFor(backendNodeId: number): number {
    let id = this.byBackend.get(backendNodeId);
    if (id === undefined) {
      id = this.nextId++;
      this.byBackend.set(backendNodeId, id);
    }
    return id;
  }

  /** A new document replaced the old one: none of its elements live on. */
  newDocument(): void {
    this.byBackend = new Map();
  }

  /** Was this id ever given to an element (now gone: stale) or never (no such element)? */
  wasIssued(id: number): boolean {
    return id >= 1 && id < this.nextId;
  }
}

/** Reads the page's accessibility tree and renders it as indented text with ids. */
export async function takeSnapshot(cdp: CDPSession, ids: ElementIds, maxNodes = 2000): Promise<Snapshot> {
  const { nodes: raw } = await cdp.send('Accessibility.getFullAXTree', {});
  const byId = new Map(raw.map((n) => [n.nodeId, n]));
  const root = raw.find((n) => !n.parentId) ?? raw[0];
  const nodes: SnapshotNode[] = [];
  const lines: string[] = [];
  const visit = (node: AXNode, depth: number, parentName: string) => {
    if (nodes.length >= maxNodes) return;
    const role = String(node.role?.value ?? '');
    const name = clean(String(node.name?.value ?? ''));
    const shown =
      !node.ignored && node.backendDOMNodeId !== undefined && !TRANSPARENT.has(role) && !(role === 'StaticText' && (name === '' || parentName.includes(name)));
    let childDepth = depth;
    let childParentName = parentName;
    if (shown) {
      const states: Record<string, string> = {};
      for (const p of node.properties ?? []) {
        if (STATES.includes(p.name) && p.value.value !== undefined && p.value.value !== false && p.value.value !== 'false') {
          states[p.name] = String(p.value.value);
        }
      }
      const value = clean(String(node.value?.value ?? ''));
      const item: SnapshotNode = { id: ids.idFor(node.backendDOMNodeId!), backendNodeId: node.backendDOMNodeId!, role, name, value, depth, states };
      if (role === 'combobox' || role === 'listbox') item.options = optionLabels(node, byId);
      const url = node.properties?.find((p) => p.name === 'url')?.value.value;
      if (role === 'link' && typeof url === 'string') item.url = url;
      nodes.push(item);
      lines.push(render(item));
      childDepth = depth + 1;
      childParentName = name;
    }
    for (const childId of node.childIds ?? []) {
      const child = byId.get(childId);
      if (child) visit(child, childDepth, childParentName);
    }
  };
  if (root) visit(root, 0, '');
  const title = root?.role?.value === 'RootWebArea' ? clean(String(root.name?.value ?? '')) : '';
  return { nodes, text: lines.join('\n'), title };
}

function optionLabels(node: AXNode, byId: Map<string, AXNode>): string[] {
  const out: string[] = [];
  const walk = (n: AXNode) => {
    for (const id of n.childIds ?? []) {
      const child = byId.get(id);
      if (!child) continue;
      if (child.role?.value === 'option') out.push(clean(String(child.name?.value ?? '')));
      else walk(child);
    }
  };
  walk(node);
  return out;
}

/** The node's line in the kit's element-line format, which the learner reads back. */
function render(node: SnapshotNode): string {
  return formatElementLine({
    depth: node.depth,
    id: node.id,
    role: node.role || 'none',
    // A row's name repeats all its cells; the cells follow anyway.
    name: node.role === 'row' ? '' : truncate(node.name, 200),
    value: node.value === node.name ? '' : truncate(node.value, 200),
    states: node.states,
  });
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
