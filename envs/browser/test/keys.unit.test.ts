import { ActionError } from '@workgym/protocol';
import { describe, expect, it } from 'vitest';
import { parseKeyStroke } from '../src/browser/keys.js';

describe('parseKeyStroke', () => {
  it('reads key names, combinations and text', () => {
    expect(parseKeyStroke('Enter')).toEqual({ key: 'Enter', modifiers: [] });
    expect(parseKeyStroke('Control+A')).toEqual({ key: 'a', modifiers: ['Control'] });
    expect(parseKeyStroke('Control+Shift+z')).toEqual({ key: 'Z', modifiers: ['Control', 'Shift'] });
    expect(parseKeyStroke('Alt+ArrowDown')).toEqual({ key: 'ArrowDown', modifiers: ['Alt'] });
    expect(parseKeyStroke('Control++')).toEqual({ key: '+', modifiers: ['Control'] });
    for (const text of ['a', 'A', 'hello', '1+1', 'a+b', 'Hello world', 'ü']) expect(parseKeyStroke(text)).toEqual({ text });
  });

  it('refuses other spellings of keys and modifiers with the one to use', () => {
    for (const [input, hint] of [
      ['enter', 'write "Enter"'],
      ['Return', 'write "Enter"'],
      ['Up', 'write "ArrowUp"'],
      ['Cmd+A', 'write "Meta" for "Cmd"'],
      ['control+a', 'write "Control" for "control"'],
      ['Shift+tab', 'write "Tab" for "tab"'],
      ['Control+Foo', '"Foo" is not a key'],
      ['F24', 'F1 to F12'],
      ['', 'it is empty'],
    ]) {
      const error = (() => {
        try {
          parseKeyStroke(input!);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ActionError);
      expect((error as ActionError).kind).toBe('invalid_arguments');
      expect((error as ActionError).message).toContain(hint);
    }
  });
});
