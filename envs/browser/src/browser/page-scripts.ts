// Functions run inside the page on one element (Runtime.callFunctionOn, `this` = the element).
// They are plain strings so no bundler transform can touch them; they return plain JSON.

/** Why an element cannot take an action, or where to click it. */
export type ElementCheck = { error: string; message: string } | { x: number; y: number; ok: true };

const VISIBLE = `
  const el = this.nodeType === 1 ? this : this.parentElement;
  if (!el || !el.isConnected) return { error: 'stale_element', message: 'the element is no longer in the page' };
  el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  const r = el.getBoundingClientRect();
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
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
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

export const PREPARE_FILL = `function () {
  ${VISIBLE}
  const nonText = ['checkbox', 'radio', 'submit', 'button', 'file', 'image', 'reset', 'hidden', 'range', 'color'];
  const isInput = el instanceof HTMLInputElement && !nonText.includes(el.type);
  if (!isInput && !(el instanceof HTMLTextAreaElement) && !el.isContentEditable)
    return { error: 'not_interactable', message: 'the element is not a text field; use click or select' };
  if (disabled || el.readOnly) return { error: 'not_interactable', message: 'the field is disabled or read-only' };
  el.focus();
  if (el.isContentEditable) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
  } else {
    el.value = '';
  }
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
