import { elementId, elementsOf, otherArguments, type ElementInfo } from './element-context.js';
import type { Candidate, PolicyState } from './policy-state.js';
import { informative, overlap, tokens } from './words.js';

/** What a state contributes to its candidates' element features; computed once per state. */
export interface ElementView {
  elements: Map<number, ElementInfo>;
  /** The task's own words (the instruction without the first observation appended to it). */
  task: string[];
  taskSet: Set<string>;
  /** Earlier calls as `tool|role|name|other arguments`: the same act on a page whose ids changed. */
  doneActs: Set<string>;
  /** Words of the element the last call acted on ("save" after a Save button). */
  lastElement: string[];
  /** Words of the observation's first line (a browser's URL): which page this is. */
  head: string[];
}

const NO_ELEMENTS = new Map<number, ElementInfo>();

/** The elements of `texts[i]`, or of the latest earlier text that lists any (an error observation lists none). */
function pageAt(texts: readonly string[], i: number): Map<number, ElementInfo> {
  for (let j = i; j >= 0; j--) {
    const elements = elementsOf(texts[j]!);
    if (elements.size > 0) return elements;
  }
  return NO_ELEMENTS;
}

const actKey = (call: Candidate, el: ElementInfo) => `${call.name}|${el.role}|${el.name}|${otherArguments(call.argumentsJson)}`;

export function elementView(state: PolicyState): ElementView {
  // pages[i] is what call i was made on: the first observation (inside the instruction), then each result.
  const pages = [state.instruction, ...state.history.map((h) => h.result)];
  const doneActs = new Set<string>();
  let lastElement: string[] = [];
  state.history.forEach((call, i) => {
    const id = elementId(call.argumentsJson);
    const el = id === undefined ? undefined : pageAt(pages, i).get(id);
    lastElement = el ? tokens(el.name, 6) : [];
    if (el) doneActs.add(actKey(call, el));
  });
  // The first user message is the instruction, a blank line, then the first observation.
  const task = informative(tokens(state.instruction.split('\n\n')[0] ?? '', 32));
  const observed = elementsOf(state.observation);
  // At step 0 the observation is the first user message: its page follows the instruction.
  const page = state.history.length === 0 ? state.instruction.split('\n\n').slice(1).join('\n\n') : state.observation;
  return {
    elements: observed.size > 0 ? observed : pageAt(pages, pages.length - 1),
    task,
    taskSet: new Set(task),
    doneActs,
    lastElement,
    head: tokens(page.split('\n', 1)[0] ?? '', 8),
  };
}

/**
 * Features of the element a candidate acts on. Which of many look-alike links or drop-downs the
 * task means is told by words: the element's accessible name and its row share the task's
 * words (the user's email, the mail's sender and topic). The share and the count of shared words
 * generalise across tasks where the words themselves never recur; name word x tool and task word
 * x name word learn which kinds of element to act on (Save buttons, Edit links); the previous
 * element and the page's URL words say where in the work the episode is.
 */
export function elementFeatures(candidate: Candidate, view: ElementView, add: (key: string, value?: number) => void): void {
  const n = candidate.name;
  for (const w of view.head) add(`head:${w}:${n}`);
  for (const w of view.lastElement) add(`le:${w}:${n}`);
  const id = elementId(candidate.argumentsJson);
  const el = id === undefined ? undefined : view.elements.get(id);
  if (!el) return;
  const name = tokens(el.name, 8);
  add(`er:${el.role}:${n}`);
  for (const w of name) add(`en:${w}:${n}`);
  for (const t of view.task.slice(0, 24)) for (const w of name.slice(0, 4)) add(`te:${t}:${w}`);
  const context = tokens(`${el.name} ${el.context}`, 32);
  const ovn = overlap(name, view.taskSet);
  const ovc = overlap(context, view.taskSet);
  const shared = informative(context).filter((t) => view.taskSet.has(t)).length;
  add(`ovn:${n}`, ovn);
  add(`ovn-b:${n}:${Math.round(ovn * 4)}`);
  add(`ovc:${n}`, ovc);
  add(`ovc-b:${n}:${Math.round(ovc * 4)}`);
  add(`shared:${n}:${Math.min(shared, 6)}`);
  if (el.value && otherArguments(candidate.argumentsJson).includes(JSON.stringify(el.value))) add(`same-value:${n}`);
  if (view.doneActs.has(actKey(candidate, el))) add(`repeat-act:${n}`);
}
