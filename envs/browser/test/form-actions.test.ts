import { ActionError } from '@workgym/protocol';
import type { BrowserContext } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserHost } from '../src/browser/browser-host.js';
import { PageDriver } from '../src/browser/page-driver.js';
import type { SiteApp, SiteRequest, SiteResponse } from '../src/sites/site-app.js';
import { SiteServer } from '../src/sites/site-server.js';
import { TOOLS } from '../src/tools.js';

// Every event a page script could see is written into #log, so a test reads what the page saw.
const LOGGER = `<p id="log"></p><script>
  for (const type of ['input', 'change', 'keydown']) document.addEventListener(type, (e) => {
    const mods = ['ctrlKey', 'shiftKey', 'altKey', 'metaKey'].filter((m) => e[m]).map((m) => m.slice(0, -3)).join('+');
    log.textContent += ' ' + e.target.id + ':' + type + (type === 'keydown' ? '(' + (mods ? mods + '+' : '') + e.key + ')' : '=' + e.target.value) + ';';
  }, true);
</script>`;

const TYPED: Record<string, string> = {
  date: '',
  time: '',
  'datetime-local': '',
  month: '',
  week: '',
  number: '',
  range: 'min="0" max="10" step="2"',
  color: '',
};

const PAGES: Record<string, string> = {
  '/typed': `<title>Typed</title>${Object.entries(TYPED)
    .map(([type, attrs]) => `<label>${type} field <input type="${type}" id="${type}" ${attrs}></label>`)
    .join('<br>')}${LOGGER}`,
  // A spinner as jQuery UI draws one: a text input with role=spinbutton, its arrows laid over its right end.
  '/spin': `<title>Spin</title><style>.spinner { position: relative; display: inline-block; } .spinner a { position: absolute; right: 0; width: 16px; height: 50%; }</style>
    <label for="spinner">Count</label><span class="spinner"><input id="spinner" role="spinbutton" aria-valuenow="0" value="0"><a style="top: 0" onclick="spinner.value = Number(spinner.value) + 1"></a><a style="bottom: 0" onclick="spinner.value = Number(spinner.value) - 1"></a></span>
    <label>Quantity <input type="number" id="quantity" value="1"></label>
    <label>Birthday <input type="date" id="birthday"></label>${LOGGER}`,
  '/keys': `<title>Keys</title><label>Note <input id="note" value="hello world"></label><label>Other <input id="other"></label>${LOGGER}`,
};

class FormSite implements SiteApp {
  readonly host = 'forms.test';
  handle(request: SiteRequest): SiteResponse {
    return { html: PAGES[request.path] ?? '<title>Not found</title>' };
  }
}

let host: BrowserHost;
let site: SiteServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  host = new BrowserHost();
  site = await SiteServer.start([new FormSite()]);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await host?.close();
  await site?.close();
});

async function open(path: string): Promise<PageDriver> {
  context = await host.newContext(site.proxy);
  const driver = await PageDriver.create(await context.newPage());
  await driver.goto(`http://forms.test${path}`);
  await driver.observe();
  return driver;
}

/** The id of the first node with this role whose name starts with `name`. */
function idOf(driver: PageDriver, role: string, name: string): number {
  const node = driver.snapshot.nodes.find((n) => n.role === role && n.name.startsWith(name));
  if (!node) throw new Error(`no ${role} ${name} in\n${driver.snapshot.text}`);
  return node.id;
}

/** The input the label names, whatever role Chromium gives it (Date, InputTime, slider, ColorWell...). */
function fieldOf(driver: PageDriver, label: string): number {
  const node = driver.snapshot.nodes.find((n) => n.name === label && n.role !== 'StaticText');
  if (!node) throw new Error(`no field ${label} in\n${driver.snapshot.text}`);
  return node.id;
}

async function pageLog(driver: PageDriver): Promise<string> {
  return (await driver.evaluate<string>('log.textContent')) ?? '';
}

async function failure(action: Promise<unknown>): Promise<ActionError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

describe('fill on inputs with their own value format', () => {
  const VALUES: Record<string, string> = {
    date: '2024-03-09',
    time: '14:05',
    'datetime-local': '2024-03-09T14:05',
    month: '2024-03',
    week: '2024-W10',
    number: '-3.5',
    range: '6',
    color: '#1a2b3c',
  };

  it('sets the value and fires input then change, as a user edit does', async () => {
    const driver = await open('/typed');
    for (const [type, value] of Object.entries(VALUES)) {
      await driver.fill(fieldOf(driver, `${type} field`), value);
      expect(await driver.evaluate(`document.getElementById(${JSON.stringify(type)}).value`)).toBe(value);
      expect(await pageLog(driver)).toContain(` ${type}:input=${value}; ${type}:change=${value};`);
    }
    expect((await driver.observe()).text).toMatch(/Date "date field" value="2024-03-09"/);
  });

  it('clears a field that can be empty', async () => {
    const driver = await open('/typed');
    await driver.fill(fieldOf(driver, 'date field'), '2024-03-09');
    await driver.fill(fieldOf(driver, 'date field'), '');
    expect(await driver.evaluate('date.value')).toBe('');
    expect(await pageLog(driver)).toContain(' date:change=;');
  });

  it('answers a value in the wrong format with the format, and leaves the field and the page alone', async () => {
    const driver = await open('/typed');
    const cases: [string, string, RegExp][] = [
      ['date', '03/09/2024', /date input takes YYYY-MM-DD/],
      ['date', '2024-02-30', /date input takes YYYY-MM-DD/],
      ['time', '2pm', /time input takes HH:MM or HH:MM:SS/],
      ['datetime-local', '2024-03-09', /datetime-local input takes YYYY-MM-DDTHH:MM/],
      ['month', 'March 2024', /month input takes YYYY-MM/],
      ['week', '2024-10', /week input takes YYYY-Www/],
      ['number', 'twelve', /number input takes a number/],
      ['range', '5', /range input takes a number from 0 to 10 in steps of 2/],
      ['range', '40', /from 0 to 10/],
      ['color', 'red', /color input takes a colour #rrggbb/],
      ['color', '', /cannot be empty/],
    ];
    for (const [type, value, message] of cases) {
      const error = await failure(driver.fill(fieldOf(driver, `${type} field`), value));
      expect([type, value, error.kind]).toEqual([type, value, 'invalid_arguments']);
      expect(error.message).toMatch(message);
    }
    expect(await driver.evaluate('date.value')).toBe('');
    expect(await driver.evaluate('range.value')).toBe('6');
    expect(await pageLog(driver)).not.toContain('change');
  });
});

describe('spinbuttons', () => {
  it('a date field part (Month) is clicked, not reported as covered by its own input', async () => {
    const driver = await open('/spin');
    await driver.click(idOf(driver, 'spinbutton', 'Month'));
    expect(await driver.evaluate('document.activeElement.id')).toBe('birthday');
  });

  it('a date field part fills the whole date', async () => {
    const driver = await open('/spin');
    await driver.fill(idOf(driver, 'spinbutton', 'Day'), '2020-02-29');
    expect(await driver.evaluate('birthday.value')).toBe('2020-02-29');
  });

  it('a role=spinbutton text input with arrows laid over it, and a number input, are clicked and filled', async () => {
    const driver = await open('/spin');
    await driver.click(idOf(driver, 'spinbutton', 'Count'));
    await driver.fill(idOf(driver, 'spinbutton', 'Count'), '7');
    await driver.fill(idOf(driver, 'spinbutton', 'Quantity'), '12');
    expect(await driver.evaluate('[spinner.value, quantity.value].join()')).toBe('7,12');
    expect(await pageLog(driver)).toContain(' quantity:change=12;');
  });
});

describe('press', () => {
  it('takes characters, named keys and combinations, as the tool schema allows', async () => {
    for (const key of ['a', 'Enter', 'Control+A', 'Shift+Tab', 'hello', 'Space']) expect(TOOLS.parse('press', { key })).toEqual({ key });
  });

  it('types one character or several in order, with a keydown for each', async () => {
    const driver = await open('/keys');
    await driver.fill(idOf(driver, 'textbox', 'Other'), '');
    await driver.press('a');
    await driver.press('bc!');
    expect(await driver.evaluate('other.value')).toBe('abc!');
    expect(await pageLog(driver)).toContain(' other:keydown(a); other:input=a; other:keydown(b);');
  });

  it('holds modifiers for a combination: Control+A selects the field, Shift+Tab moves back', async () => {
    const driver = await open('/keys');
    await driver.click(idOf(driver, 'textbox', 'Note'));
    await driver.press('Control+A');
    await driver.press('x');
    expect(await driver.evaluate('note.value')).toBe('x');
    expect(await pageLog(driver)).toContain(' note:keydown(ctrl+a);');
    await driver.click(idOf(driver, 'textbox', 'Other'));
    await driver.press('Shift+Tab');
    expect(await driver.evaluate('document.activeElement.id')).toBe('note');
    await driver.press('Enter');
    expect(await pageLog(driver)).toContain(' note:keydown(Enter);');
  });

  it('refuses a misspelt key name with the spelling it takes, pressing nothing', async () => {
    const driver = await open('/keys');
    await driver.click(idOf(driver, 'textbox', 'Note'));
    for (const [key, hint] of [
      ['enter', 'write "Enter"'],
      ['Esc', 'write "Escape"'],
      ['Ctrl+A', 'write "Control" for "Ctrl"'],
      ['Control+Return', 'write "Enter" for "Return"'],
      ['F13', 'F1 to F12'],
    ]) {
      const error = await failure(driver.press(key!));
      expect(error.kind).toBe('invalid_arguments');
      expect(error.message).toContain(hint);
      expect(error.message).toContain('Control+A');
    }
    expect(await driver.evaluate('note.value')).toBe('hello world');
  });
});
