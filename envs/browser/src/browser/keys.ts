import { ActionError } from '@workgym/protocol';

/** Named keys `press` accepts, spelled as the DOM's KeyboardEvent.key (Space is the space bar). */
export const NAMED_KEYS = [
  'Enter',
  'Tab',
  'Escape',
  'Backspace',
  'Delete',
  'Insert',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'PageUp',
  'PageDown',
  'Home',
  'End',
  'Space',
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
] as const;
export const MODIFIERS = ['Control', 'Shift', 'Alt', 'Meta'] as const;

export type Modifier = (typeof MODIFIERS)[number];

/** What one `press` does: a key (with modifiers held), or characters typed one after another. */
export type KeyStroke = { key: string; modifiers: Modifier[] } | { text: string };

/** Spellings people use for a key or modifier, and the one `press` takes instead. */
const ALIASES: Record<string, string> = {
  esc: 'Escape',
  return: 'Enter',
  del: 'Delete',
  ins: 'Insert',
  up: 'ArrowUp',
  down: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  pgup: 'PageUp',
  pgdn: 'PageDown',
  spacebar: 'Space',
  ctrl: 'Control',
  cmd: 'Meta',
  command: 'Meta',
  win: 'Meta',
  super: 'Meta',
  option: 'Alt',
  opt: 'Alt',
};

const CANONICAL = new Map<string, string>([...NAMED_KEYS, ...MODIFIERS].map((k) => [k.toLowerCase(), k]));

export const KEY_SPELLING =
  `a key name (${NAMED_KEYS.filter((k) => !/^F\d/.test(k)).join(', ')}, F1-F12), ` +
  `a combination of ${MODIFIERS.join(', ')} with a key or character joined by "+" (Control+A, Shift+Tab), ` +
  'or characters to type in order';

/**
 * Reads `press`'s `key`: an exact key name, `Modifier+...+key`, or else text to type. A single
 * word that is a key name in another spelling ("enter", "Esc", "Ctrl+a", "F13") is refused with
 * the spelling to use, so a misspelt key is never typed as letters.
 */
export function parseKeyStroke(input: string): KeyStroke {
  if (input.length === 0) throw bad(input, 'it is empty');
  if ((NAMED_KEYS as readonly string[]).includes(input)) return { key: input, modifiers: [] };
  const combo = /^((?:[A-Za-z]+\+)+)(.+)$/.exec(input);
  if (combo) {
    const words = combo[1]!.slice(0, -1).split('+');
    if (words.every((w) => spelling(w) !== undefined && (MODIFIERS as readonly string[]).includes(spelling(w)!))) {
      const wrong = words.find((w) => !(MODIFIERS as readonly string[]).includes(w));
      if (wrong !== undefined) throw bad(input, `write ${JSON.stringify(spelling(wrong))} for ${JSON.stringify(wrong)}`);
      const modifiers = words as Modifier[];
      return { key: comboKey(input, combo[2]!, modifiers), modifiers };
    }
  }
  if (input.length > 1 && /^[A-Za-z][A-Za-z0-9]*$/.test(input)) {
    const named = spelling(input);
    if (named !== undefined) throw bad(input, `write ${JSON.stringify(named)}`);
    if (/^F\d+$/.test(input)) throw bad(input, 'function keys go from F1 to F12');
  }
  return { text: input };
}

/** The key of a combination: a named key, or one character (a letter upper case with Shift and lower case without, as a keyboard sends it). */
function comboKey(input: string, key: string, modifiers: Modifier[]): string {
  if ((NAMED_KEYS as readonly string[]).includes(key)) return key;
  if ([...key].length === 1) {
    if (!/^[A-Za-z]$/.test(key)) return key;
    return modifiers.includes('Shift') ? key.toUpperCase() : key.toLowerCase();
  }
  const named = spelling(key);
  throw bad(input, named !== undefined ? `write ${JSON.stringify(named)} for ${JSON.stringify(key)}` : `${JSON.stringify(key)} is not a key`);
}

function spelling(word: string): string | undefined {
  const lower = word.toLowerCase();
  return CANONICAL.get(lower) ?? ALIASES[lower];
}

function bad(input: string, why: string): ActionError {
  return new ActionError('invalid_arguments', `cannot press ${JSON.stringify(input)}: ${why}; press takes ${KEY_SPELLING}`);
}
