import { toolCall, type ToolCall } from '@workgym/protocol';
import type { Snapshot, SnapshotNode } from './browser/ax-snapshot.js';

const CLICKABLE = new Set(['link', 'button', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'treeitem']);
const FILLABLE = new Set(['textbox', 'searchbox', 'spinbutton', 'textarea']);
const MAX_CANDIDATES = 60;

/** Strings an instruction names that could go into a field: quoted text, emails, dates, codes, numbers. */
export function instructionHints(instruction: string): string[] {
  const hints: string[] = [];
  const add = (h: string | undefined) => {
    const t = h?.trim().replace(/[.,;:]$/, '');
    if (t && !hints.includes(t)) hints.push(t);
  };
  for (const m of instruction.matchAll(/"([^"]{1,80})"/g)) add(m[1]);
  for (const m of instruction.matchAll(/[\w.+-]+@[\w-]+\.[\w.]+/g)) add(m[0]);
  for (const m of instruction.matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)) add(m[0]);
  for (const m of instruction.matchAll(/\b[A-Z0-9]{2,}-?[A-Z0-9]{3,}\b/g)) add(m[0]);
  for (const m of instruction.matchAll(/\b[A-Z][a-z]+ [A-Z][a-z]+\b/g)) add(m[0]);
  for (const m of instruction.matchAll(/\b\d+ [A-Z][a-z]+ (?:Street|Road|Avenue|Lane|Row|Walk|Court|Drive), [A-Z][a-z]+/g)) add(m[0]);
  for (const m of instruction.matchAll(/\+?\d[\d ]{6,}\d/g)) add(m[0]);
  for (const m of instruction.matchAll(/\b\d+(?:\.\d+)?\b/g)) add(m[0]);
  return hints.slice(0, 12);
}

function hintsFor(node: SnapshotNode, hints: string[]): string[] {
  const label = node.name.toLowerCase();
  const typed = hints.filter((h) =>
    /email/.test(label)
      ? h.includes('@')
      : /date|check-in/.test(label)
        ? /^\d{4}-\d{2}-\d{2}$/.test(h)
        : /phone/.test(label)
          ? /^\+?[\d ]+$/.test(h) && h.length > 6
          : /quantity|nights|amount|number/.test(label)
            ? /^\d+(\.\d+)?$/.test(h)
            : !/^\d+$/.test(h),
  );
  return (typed.length ? typed : hints).slice(0, 2);
}

/**
 * A bounded list of valid concrete calls at this state: clicks on clickable elements, fills of
 * text fields with values the instruction names, each option of each drop-down, and navigation.
 */
export function candidateActions(snapshot: Snapshot, instruction: string, answers: boolean): ToolCall[] {
  const hints = instructionHints(instruction);
  const out: ToolCall[] = [];
  const push = (name: string, args: object) => out.push(toolCall(name, args, `cand-${out.length + 1}`));
  for (const node of snapshot.nodes) {
    if (out.length >= MAX_CANDIDATES - 4) break;
    if (node.states.disabled) continue;
    if (CLICKABLE.has(node.role)) push('click', { id: node.id });
    else if (FILLABLE.has(node.role) && !node.states.readonly) for (const text of hintsFor(node, hints)) push('fill', { id: node.id, text });
    else if (node.role === 'combobox' && node.options?.length) {
      for (const option of node.options.slice(0, 8)) if (option && option !== node.value) push('select', { id: node.id, option });
    }
  }
  if (answers) {
    const texts = snapshot.nodes.filter((n) => (n.role === 'StaticText' || n.role === 'cell') && n.name.length > 0 && n.name.length < 40);
    for (const n of texts.slice(-3)) push('answer', { text: n.name });
  }
  push('press', { key: 'Enter' });
  push('scroll', { direction: 'down' });
  push('back', {});
  push('submit', {});
  return out.slice(0, MAX_CANDIDATES);
}
