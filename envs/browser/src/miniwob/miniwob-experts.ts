// Scripted experts for MiniWoB++ pages. Each reads the task from the page's instruction (#query)
// and acts on what the observation shows (roles, names, values, checked states), never on the
// page's hidden variables, and decides from the current page: after a stray action it goes on
// from whatever the page shows.
import type { ExpertStep } from '@workgym/protocol/kit';
import type { Snapshot, SnapshotNode } from '../browser/ax-snapshot.js';
import { act, click, mustFind } from '../tasks/expert-kit.js';

/** The one strategy of a MiniWoB++ expert: read the instruction, act on the page. */
export const MINIWOB_STRATEGY = 'read-page';

/** The next call for a page, from its instruction and the current observation. */
export type PageExpert = (instruction: string, snapshot: Snapshot) => ExpertStep;

/** The pages with an expert, by page name (the task file without .html). */
export const MINIWOB_EXPERTS: Readonly<Record<string, PageExpert>> = {
  'click-test': (_, s) => act(click(mustFind(s, 'button', /./)), 'The page shows one button and asks to click it.'),
  'click-button': (instruction, s) => {
    const name = wanted(instruction, /^Click on the "(.+)" button\.$/);
    return act(click(mustFind(s, 'button', name)), `The instruction names the button "${name}"; the page shows it.`);
  },
  'click-link': (instruction, s) => {
    const name = wanted(instruction, /^Click on the link "(.+)"\.$/);
    // The page's links are words of its text, shown as text runs of their own.
    return act(click(mustFind(s, 'StaticText', name)), `The instruction names the link "${name}"; it is a word of the page's text: click it.`);
  },
  'focus-text': (_, s) => act(click(textboxes(s)[0] ?? missing('text field')), 'Focus the text field by clicking it.'),
  'click-checkboxes': (instruction, s) => {
    const list = wanted(instruction, /^Select (.+) and click Submit\.$/);
    const names = list === 'nothing' ? [] : list.split(', ');
    for (const box of s.nodes.filter((n) => n.role === 'checkbox')) {
      const want = names.includes(box.name);
      if ((box.states.checked === 'true') !== want)
        return act(click(box), `${box.name} must be ${want ? 'checked' : 'unchecked'} (the instruction lists ${list}).`);
    }
    return submitButton(s, 'Submit', `Every checkbox the instruction lists (${list}) is checked and no other: submit.`);
  },
  'click-option': (instruction, s) => {
    const name = wanted(instruction, /^Select (.+) and click Submit\.$/);
    const radio = mustFind(s, 'radio', name);
    if (radio.states.checked !== 'true') return act(click(radio), `Choose ${name}, the option the instruction names.`);
    return submitButton(s, 'Submit', `${name} is chosen: submit.`);
  },
  'choose-list': (instruction, s) => {
    const name = wanted(instruction, /^Select (.+) from the list and click Submit\.$/);
    const list = s.nodes.find((n) => n.role === 'combobox') ?? missing('drop-down list');
    if (list.value !== name) return act({ name: 'select', arguments: { id: list.id, option: name } }, `Choose ${name} in the list, as the instruction asks.`);
    return submitButton(s, 'Submit', `The list shows ${name}: submit.`);
  },
  'click-tab': (instruction, s) => {
    const name = wanted(instruction, /^Click on (Tab #\d+)\.$/);
    return act(click(mustFind(s, 'tab', name)), `The instruction asks for ${name}; the page shows it among the tabs.`);
  },
  'click-dialog': (_, s) => act(click(mustFind(s, 'button', /^(Close|×|x)$/i)), 'The dialog\'s title bar has its close button (the "x"): click it.'),
  'enter-text': (instruction, s) => {
    const text = wanted(instruction, /^Enter "(.+)" into the text field and press Submit\.$/);
    return fillThenPress(s, [text], 'Submit', `the instruction's text "${text}"`);
  },
  'enter-password': (instruction, s) => {
    const password = wanted(instruction, /^Enter the password "(.+)" into both text fields and press submit\.$/);
    return fillThenPress(s, [password, password], 'Submit', `the password "${password}" in both fields`);
  },
  'login-user': (instruction, s) => {
    const match = /^Enter the username "(.+)" and the password "(.+)" into the text fields and press login\.$/.exec(instruction);
    if (!match) throw new Error(`expert: the instruction is not login-user's: ${instruction}`);
    return fillThenPress(s, [match[1]!, match[2]!], 'Login', `username "${match[1]}" then password "${match[2]}"`);
  },
};

/** The part of the instruction `pattern` captures; a page whose instruction differs breaks the expert. */
function wanted(instruction: string, pattern: RegExp): string {
  const match = pattern.exec(instruction);
  if (!match) throw new Error(`expert: the instruction does not read ${pattern}: ${JSON.stringify(instruction)}`);
  return match[1]!;
}

/** The page's text fields (password fields included), in page order. */
function textboxes(s: Snapshot): SnapshotNode[] {
  return s.nodes.filter((n) => n.role === 'textbox');
}

/**
 * Fills the page's text fields in order with `values` (the first whose shown value differs),
 * then presses the button. A password field shows its value masked, one bullet a character.
 */
function fillThenPress(s: Snapshot, values: readonly string[], button: string, what: string): ExpertStep {
  const fields = textboxes(s);
  if (fields.length < values.length) missing(`${values.length} text fields`);
  for (const [i, value] of values.entries()) {
    const field = fields[i]!;
    if (field.value !== value && field.value !== '•'.repeat(value.length)) {
      return act({ name: 'fill', arguments: { id: field.id, text: value } }, `Type ${JSON.stringify(value)} into text field ${i + 1} (${what}).`);
    }
  }
  return submitButton(s, button, `The fields hold ${what}: press ${button}.`);
}

function submitButton(s: Snapshot, name: string, why: string): ExpertStep {
  return act(click(mustFind(s, 'button', name)), why);
}

function missing(what: string): never {
  throw new Error(`expert: no ${what} on the page`);
}
