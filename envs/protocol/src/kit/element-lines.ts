// The element lines of an observation, written by an env and read back by a learner:
//
//   [12] textbox "Full name" value="Olga Tanaka" required
//     [13] button "Place order" disabled expanded=false
//
// Two spaces of indent per level, the element id in brackets, the role, then optionally the
// accessible name and `value=` as JSON strings, then states: `key` when the state is "true",
// `key=value` otherwise (a value that is not one plain word is a JSON string). The browser env
// writes its accessibility tree this way; the learner's element features read it back (through
// `@workgym/protocol/kit/element-lines`, a door that loads nothing else). This module is the only
// place that knows the format.

/** One element line. */
export interface ElementLine {
  /** Nesting level (the line's indent is two spaces a level). */
  depth: number;
  /** The element's id, which tool calls name it by (`click(id)`). */
  id: number;
  /** The element's role (`button`, `textbox`, `link`, ...): one word. */
  role: string;
  /** "" when the line shows no name. */
  name: string;
  /** "" when the line shows no value. */
  value: string;
  /** Its states by name (`required`, `expanded`, ...); a state shown as a bare word is "true". */
  states: Record<string, string>;
}

const INDENT = '  ';
const WORD = /^[\w-]+$/;
const HEAD = /^((?: {2})*)\[(\d+)\] (\S+)/y;
const NAME = / ("(?:[^"\\]|\\.)*")/y;
const VALUE = / value=("(?:[^"\\]|\\.)*")/y;
const STATE = / ([\w-]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]+))?(?=\s|$)/y;

/** The line of one element. The role must be one word; names and values may hold anything. */
export function formatElementLine(line: ElementLine): string {
  if (!/^\S+$/.test(line.role)) throw new RangeError(`role ${JSON.stringify(line.role)} is not one word`);
  const parts = [`${INDENT.repeat(line.depth)}[${line.id}] ${line.role}`];
  if (line.name) parts.push(JSON.stringify(line.name));
  if (line.value) parts.push(`value=${JSON.stringify(line.value)}`);
  for (const [key, value] of Object.entries(line.states)) {
    if (!WORD.test(key) || key === 'value') throw new RangeError(`state ${JSON.stringify(key)} is not one word other than "value"`);
    parts.push(value === 'true' ? key : `${key}=${WORD.test(value) ? value : JSON.stringify(value)}`);
  }
  return parts.join(' ');
}

/**
 * The element a line shows, or undefined for a line that is no element line. A line cut short
 * (an observation truncated mid-line) gives what it still shows.
 */
export function parseElementLine(text: string): ElementLine | undefined {
  HEAD.lastIndex = 0;
  const head = HEAD.exec(text);
  if (!head) return undefined;
  const line: ElementLine = { depth: head[1]!.length / INDENT.length, id: Number(head[2]), role: head[3]!, name: '', value: '', states: {} };
  let at = HEAD.lastIndex;
  const next = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match) at = pattern.lastIndex;
    return match;
  };
  const name = next(NAME);
  if (name) line.name = unquote(name[1]!);
  const value = next(VALUE);
  if (value) line.value = unquote(value[1]!);
  for (let state = next(STATE); state; state = next(STATE)) {
    const raw = state[2];
    line.states[state[1]!] = raw === undefined ? 'true' : raw.startsWith('"') ? unquote(raw) : raw;
  }
  return line;
}

/** The element lines of an observation, in order; other lines are skipped. */
export function parseElementLines(text: string): ElementLine[] {
  const out: ElementLine[] = [];
  for (const raw of text.split('\n')) {
    const line = parseElementLine(raw);
    if (line) out.push(line);
  }
  return out;
}

function unquote(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    // A page's text never makes an invalid escape, but a hand-written line might: keep it as written.
    return quoted.slice(1, -1);
  }
}
