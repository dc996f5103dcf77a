// Functions run inside the page on one element (Runtime.callFunctionOn, `this` = the element).
// They are plain strings so no bundler transform can touch them; they return plain JSON.

/** Why an element cannot take an action, or where to click it. */
export type ElementCheck = { error: string; message: string } | { x: number; y: number; ok: true; typed?: TypedInput };

/**
 * `part` is the node the id names; `el` is the control it belongs to. A date or number input's
 * fields (Month, Day, Year spinbuttons) live in the browser's own shadow root of the input: they
 * act as the input, and a hit test sees the input, not them. Pages cannot attach shadow roots
 * to these elements, so only the browser's own parts are redirected.
 */
const VISIBLE = `
  let el = this.nodeType === 1 ? this : this.parentElement;
  const part = el;
  for (let root = el && el.getRootNode(); root instanceof ShadowRoot && ['INPUT', 'TEXTAREA', 'SELECT'].includes(root.host.tagName); root = el.getRootNode()) el = root.host;
  if (!el || !el.isConnected) return { error: 'stale_element', message: 'the element is no longer in the page' };
  el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  const r = part.getBoundingClientRect();
  const s = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0)
    return { error: 'not_visible', message: 'the element is not visible (no size, hidden or transparent)' };
  const disabled = (el.matches && el.matches(':disabled')) || el.closest('[aria-disabled="true"]');
`;

/** Where to click the element; an <option> is instead chosen in its <select>, as a person would. */
export const PREPARE_CLICK = `function () {
  if (this.nodeType === 1 && this.tagName === 'OPTION') return { option: this.label.trim() };
  ${VISIBLE}
  if (disabled) return { error: 'not_interactable', message: 'the element is disabled' };
  // The centre of its first box with an area, as Puppeteer's clickable point: a link wrapped over
  // two lines has its bounding box's centre between the lines, off the link.
  const box = [...part.getClientRects()].find((q) => q.width * q.height >= 1) || r;
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit && hit !== el && !el.contains(hit) && !hit.contains(el)) {
    const label = hit.closest('label');
    if (!(label && label.control === el)) {
      const what = (hit.innerText || hit.getAttribute('aria-label') || '').trim().slice(0, 60);
      return { error: 'not_interactable', message: 'another element covers it: <' + hit.tagName.toLowerCase() + '> ' + JSON.stringify(what) };
    }
  }
  return { ok: true, x, y };
}`;

/** Input types whose value has its own format: filled by setting the value, not by typing. */
export const TYPED_INPUTS = ['date', 'time', 'datetime-local', 'month', 'week', 'number', 'range', 'color'] as const;
export type TypedInput = (typeof TYPED_INPUTS)[number];

/** Focuses the field and empties a text field; a typed input is left to FILL_TYPED. */
export const PREPARE_FILL = `function () {
  ${VISIBLE}
  const nonText = ['checkbox', 'radio', 'submit', 'button', 'file', 'image', 'reset', 'hidden'];
  const isInput = el instanceof HTMLInputElement && !nonText.includes(el.type);
  if (!isInput && !(el instanceof HTMLTextAreaElement) && !el.isContentEditable)
    return { error: 'not_interactable', message: 'the element is not a text field; use click or select' };
  if (disabled || el.readOnly) return { error: 'not_interactable', message: 'the field is disabled or read-only' };
  el.focus();
  if (${JSON.stringify(TYPED_INPUTS)}.includes(el.type)) return { ok: true, x: 0, y: 0, typed: el.type };
  if (el.isContentEditable) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
  } else {
    el.value = '';
  }
  return { ok: true, x: 0, y: 0 };
}`;

/**
 * Sets a typed input's value in its own format, as its picker or spin buttons would: the value
 * through the element's own setter (frameworks that track it see the change), then `input` and
 * `change`. A value the input rejects (it sanitizes to empty, clamps or rounds) is put back and
 * answered with the format; the page sees no event.
 */
export const FILL_TYPED = `function (text) {
  const el = this.getRootNode() instanceof ShadowRoot && this.getRootNode().host instanceof HTMLInputElement ? this.getRootNode().host : this;
  const formats = {
    date: 'YYYY-MM-DD, e.g. 2024-03-09',
    time: 'HH:MM or HH:MM:SS on a 24-hour clock, e.g. 14:05',
    'datetime-local': 'YYYY-MM-DDTHH:MM, e.g. 2024-03-09T14:05',
    month: 'YYYY-MM, e.g. 2024-03',
    week: 'YYYY-Www, e.g. 2024-W10',
    number: 'a number such as 42, -3.5 or 1e3',
    range: 'a number from ' + (el.min || '0') + ' to ' + (el.max || '100') + (el.step && el.step !== 'any' ? ' in steps of ' + el.step : ''),
    color: 'a colour #rrggbb, e.g. #1a2b3c',
  };
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const before = el.value;
  setter.call(el, text);
  const accepted = el.type === 'color' ? /^#[0-9a-fA-F]{6}$/.test(text)
    : el.type === 'range' ? text.trim() !== '' && Number(el.value) === Number(text)
    : el.value !== '' || text === '';
  if (!accepted) {
    setter.call(el, before);
    const why = text === '' ? 'it cannot be empty' : JSON.stringify(text) + ' is not a valid value';
    return { error: 'invalid_arguments', message: 'this ' + el.type + ' input takes ' + formats[el.type] + '; ' + why };
  }
  el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: text }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return { ok: true, x: 0, y: 0 };
}`;

export const AFTER_FILL = `function () { this.dispatchEvent(new Event('change', { bubbles: true })); return true; }`;

export const SELECT_OPTION = `function (option) {
  const target = this.nodeType === 1 ? this : this.parentElement;
  const el = target && target.tagName === 'OPTION' ? target.closest('select') : target;
  if (!el || !el.isConnected) return { error: 'stale_element', message: 'the element is no longer in the page' };
  if (!(el instanceof HTMLSelectElement)) return { error: 'not_interactable', message: 'the element is not a drop-down list; use click or fill' };
  if (el.disabled) return { error: 'not_interactable', message: 'the drop-down is disabled' };
  const want = String(option).trim();
  const opts = Array.from(el.options);
  const match = opts.find((o) => o.label.trim() === want) || opts.find((o) => o.value === want) ||
    opts.find((o) => o.label.trim().toLowerCase() === want.toLowerCase());
  if (!match) return { error: 'no_such_element', message: 'no option ' + JSON.stringify(want) + '; options: ' + opts.map((o) => JSON.stringify(o.label.trim())).join(', ') };
  if (match.disabled) return { error: 'not_interactable', message: 'that option is disabled' };
  el.value = match.value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return { ok: true, x: 0, y: 0 };
}`;
