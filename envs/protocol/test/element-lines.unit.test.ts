import { describe, expect, it } from 'vitest';
import { Rng } from '../src/index.js';
import { formatElementLine, parseElementLine, parseElementLines, type ElementLine } from '../src/kit/index.js';

const line = (changes: Partial<ElementLine>): ElementLine => ({ depth: 0, id: 1, role: 'link', name: '', value: '', states: {}, ...changes });

describe('element lines', () => {
  it('writes the documented format', () => {
    expect(
      formatElementLine(line({ depth: 2, id: 29, role: 'textbox', name: 'Full name', value: 'Olga Tanaka', states: { required: 'true', checked: 'mixed' } })),
    ).toBe('    [29] textbox "Full name" value="Olga Tanaka" required checked=mixed');
    expect(formatElementLine(line({ id: 14, role: 'row' }))).toBe('[14] row');
    expect(formatElementLine(line({ role: 'textbox', value: 'x' }))).toBe('[1] textbox value="x"');
  });

  it('reads back what it writes, whatever a page puts in names, values and states', () => {
    const hostile = ['"quoted"', 'back\\slash', 'value="forged" required', '[7] link "fake"', 'tab\there', 'emoji 🛒 ünïcode', '\\u0041', ' ', 'a=b', 'x"y'];
    const cases = [
      line({}),
      line({ depth: 3, id: 123456, role: 'RootWebArea', name: 'Checkout' }),
      ...hostile.map((text, i) => line({ id: i + 2, role: 'textbox', name: text, value: text, states: { invalid: text, disabled: 'true' } })),
    ];
    for (const original of cases) expect(parseElementLine(formatElementLine(original))).toEqual(original);
  });

  it('round-trips random lines', () => {
    const rng = new Rng(42);
    const alphabet = ' "\\=[]abcXYZ019é\t';
    const text = () => rng.chars(rng.int(0, 12), alphabet);
    for (let i = 0; i < 500; i++) {
      const states: Record<string, string> = {};
      for (let k = 0; k < rng.int(0, 3); k++) states[rng.pick(['checked', 'expanded', 'required', 'level'])] = rng.pick(['true', 'false', 'mixed', text()]);
      const original = line({
        depth: rng.int(0, 6),
        id: rng.int(1, 9999),
        role: rng.pick(['link', 'button', 'StaticText', 'cell']),
        name: text(),
        value: text(),
        states,
      });
      expect(parseElementLine(formatElementLine(original))).toEqual(original);
    }
  });

  it('refuses what it could not read back', () => {
    expect(() => formatElementLine(line({ role: 'two words' }))).toThrow('is not one word');
    expect(() => formatElementLine(line({ states: { 'a b': 'true' } }))).toThrow('is not one word');
    expect(() => formatElementLine(line({ states: { value: 'x' } }))).toThrow('other than "value"');
  });

  it('skips lines that are not element lines and reads what a cut line still shows', () => {
    const text = 'URL: http://shop.test/\nTitle: Shop\n\n[1] RootWebArea "Shop"\n  [2] link "Home"\n  [3] button "Pla';
    expect(parseElementLines(text).map((l) => [l.depth, l.id, l.role, l.name])).toEqual([
      [0, 1, 'RootWebArea', 'Shop'],
      [1, 2, 'link', 'Home'],
      [1, 3, 'button', ''],
    ]);
  });
});
