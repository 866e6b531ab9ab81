/* global document, navigator, Node, HTMLElement */
// Small DOM helpers. Text is always inserted as text nodes, never as HTML.

/**
 * Creates an element. Attributes: `class`, `on<event>` listeners, booleans (true → present,
 * false/null → absent), `props` (assigned as properties), anything else as a string attribute.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Node | string | number | null | undefined | false | Array<any>)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'props') Object.assign(el, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else el.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Node} parent @param {Array<any>} children */
function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let idSeq = 0;
/** A unique id for label/description wiring. @param {string} prefix */
export const uid = (prefix) => `${prefix}-${++idSeq}`;

/** Tells screen readers something happened (the polite live region). @param {string} message */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick, so the same message twice is read twice.
  setTimeout(() => { region.textContent = message; }, 50);
}

/**
 * A message box: `error` is an alert (read at once), the others a polite status.
 * @param {'error'|'success'|'info'|'warning'} kind @param {...any} children
 */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/**
 * A date and time in the organisation's time zone, as a <time> element.
 * @param {string | null} iso @param {string} [timeZone] @param {string} [empty]
 */
export function time(iso, timeZone, empty = 'Never') {
  if (!iso) return h('span', { class: 'muted' }, empty);
  return h('time', { datetime: iso, title: iso }, formatDate(iso, timeZone));
}

/** @param {string} iso @param {string} [timeZone] */
export function formatDate(iso, timeZone) {
  const options = /** @type {Intl.DateTimeFormatOptions} */ ({ dateStyle: 'medium', timeStyle: 'short', timeZone });
  try {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: undefined }).format(new Date(iso));
  }
}

/** `<input type=datetime-local>` value (the browser's time) → RFC 3339 UTC, or undefined. @param {string} value */
export function localToIso(value) {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** RFC 3339 → `<input type=datetime-local>` value in the browser's time. @param {string | null} iso */
export function isoToLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * "Previous / Next" for a list envelope {total, limit, offset}.
 * @param {{total: number, limit: number, offset: number}} page @param {string} noun
 * @param {(offset: number) => void} go
 */
export function pager(page, noun, go) {
  const { total, limit, offset } = page;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  const summary = total === 0 ? `No ${noun}` : `${first}–${last} of ${total} ${noun}`;
  if (total <= limit && offset === 0) return h('p', { class: 'pager muted' }, summary);
  return h('nav', { class: 'pager', 'aria-label': `Pages of ${noun}` },
    h('button', { type: 'button', class: 'button-secondary', disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit)) }, 'Previous'),
    h('span', null, summary),
    h('button', { type: 'button', class: 'button-secondary', disabled: offset + limit >= total, onclick: () => go(offset + limit) }, 'Next'));
}

/**
 * Asks for confirmation in a modal <dialog> (keyboard: Tab stays inside, Escape cancels; focus
 * returns to where it was). Resolves true when confirmed.
 * @param {{title: string, body: string, confirm: string, danger?: boolean}} opts
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, body, confirm, danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const bodyId = uid('dialog-body');
    const opener = document.activeElement;
    const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      h('form', { method: 'dialog' },
        h('h2', { id: titleId }, title),
        h('p', { id: bodyId }, body),
        h('div', { class: 'actions' },
          h('button', { value: 'confirm', class: danger ? 'button-danger' : 'button-primary' }, confirm),
          // The safe choice has the focus first.
          h('button', { value: 'cancel', class: 'button-secondary', autofocus: true }, 'Cancel')))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

/**
 * An API error as an alert, in words: the message, one line per field, the reference to quote.
 * @param {{message: string, lines: string[], reference?: string}} described
 */
export function errorNotice(described) {
  return notice('error',
    h('p', null, described.message),
    described.lines.length ? h('ul', null, described.lines.map((line) => h('li', null, line))) : null,
    described.reference ? h('p', { class: 'reference' }, `Reference for support: ${described.reference}`) : null);
}

/**
 * A secret shown once: a read-only field, a copy button, a clear warning, and "Done" (after
 * which the secret leaves the page). Fills `panel` and moves the focus to its heading.
 * @param {HTMLElement} panel
 * @param {{title: string, label: string, copy: string, value: string, warning: string, hint?: Node | null, done: string, onDone: () => void}} opts
 */
export function revealSecret(panel, { title, label, copy, value, warning, hint, done, onDone }) {
  const inputId = uid('secret');
  const warningId = `${inputId}-warning`;
  const copyStatus = h('span', { class: 'copy-status', role: 'status' });
  const input = /** @type {HTMLInputElement} */ (h('input', { id: inputId, type: 'text', class: 'secret', readonly: true, value, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': warningId }));
  input.addEventListener('focus', () => input.select());
  const heading = h('h2', { tabindex: '-1' }, title);
  replace(panel,
    heading,
    notice('warning', h('p', { id: warningId }, h('strong', null, 'Copy it now: you will not see it again.'), ` ${warning}`)),
    h('div', { class: 'field' },
      h('label', { for: inputId }, label),
      h('div', { class: 'copy-row' }, input,
        h('button', { type: 'button', class: 'button-primary', onclick: () => copyFrom(input, copyStatus) }, copy)),
      copyStatus),
    hint ?? null,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button-secondary', onclick: onDone }, done)));
  panel.hidden = false;
  heading.focus();
}

/** Copies a field's value: the async clipboard, else the selection and execCommand. @param {HTMLInputElement} input @param {HTMLElement} status */
async function copyFrom(input, status) {
  let copied;
  try {
    await navigator.clipboard.writeText(input.value);
    copied = true;
  } catch {
    // No async clipboard here (e.g. plain http on another host).
    input.focus();
    input.select();
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
  }
  replace(status, copied ? 'Copied to the clipboard.' : 'Copying is blocked here: the text is selected, press Ctrl+C (⌘C on a Mac).');
}

/**
 * A list of checkboxes with a one-line explanation each, in a fieldset.
 * @param {{legend: string, hint: string, name: string, items: Array<{value: string, description: string}>, checked?: string[], errorId: string}} opts
 */
export function checkboxGroup({ legend, hint, name, items, checked = [], errorId }) {
  const hintId = uid(`${name}-hint`);
  return h('fieldset', { class: 'checkbox-group', 'aria-describedby': `${hintId} ${errorId}` },
    h('legend', null, legend),
    h('p', { id: hintId, class: 'hint' }, hint),
    h('ul', { class: 'checkboxes' }, items.map(({ value, description }) => {
      const id = uid(name);
      return h('li', null,
        h('input', { type: 'checkbox', id, name, value, checked: checked.includes(value), 'aria-describedby': description ? `${id}-desc` : null }),
        h('label', { for: id }, h('code', null, value)),
        description ? h('span', { id: `${id}-desc`, class: 'option-description' }, description) : null);
    })),
    h('p', { id: errorId, class: 'field-error', hidden: true }));
}

/**
 * Form plumbing shared by the screens: labelled fields with hints, one error slot per field
 * (wired with aria-describedby / aria-invalid), and an error summary that takes the focus.
 * @param {Record<string, string>} labels field name → label used in error lines
 */
export function formKit(labels) {
  const summary = h('div', { tabindex: '-1', class: 'form-errors' });
  /** @type {Record<string, HTMLElement>} */
  const slots = {};
  /** @type {Record<string, HTMLElement>} */
  const controls = {};
  const label = (/** @type {string} */ name) => labels[name] ?? name.replaceAll('_', ' ');
  return {
    summary,
    /** @param {string} name @param {HTMLElement} control @param {string | null} [hint] */
    field(name, control, hint) {
      const id = uid(`field-${name}`);
      const hintId = hint ? `${id}-hint` : null;
      control.id = id;
      control.setAttribute('name', name);
      control.setAttribute('aria-describedby', [hintId, `${id}-error`].filter(Boolean).join(' '));
      controls[name] = control;
      slots[name] = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
      return h('div', { class: 'field' }, h('label', { for: id }, label(name)), hint ? h('p', { id: hintId, class: 'hint' }, hint) : null, control, slots[name]);
    },
    /** @param {string} name @param {{hint: string, items: Array<{value: string, description: string}>, checked?: string[]}} opts */
    group(name, opts) {
      const errorId = uid(`${name}-error`);
      const group = checkboxGroup({ legend: label(name), name, errorId, ...opts });
      slots[name] = /** @type {HTMLElement} */ (group.querySelector(`#${errorId}`));
      return group;
    },
    has: (/** @type {string} */ name) => name in slots,
    clear() {
      replace(summary);
      for (const slot of Object.values(slots)) slot.hidden = true;
      for (const control of Object.values(controls)) control.removeAttribute('aria-invalid');
    },
    /** @param {string} message @param {Array<{field: string, message: string}>} fields @param {string} [reference] */
    show(message, fields, reference) {
      const known = fields.filter((f) => slots[f.field]);
      for (const f of known) {
        replace(slots[f.field], `${label(f.field)}: ${f.message}`);
        slots[f.field].hidden = false;
        controls[f.field]?.setAttribute('aria-invalid', 'true');
      }
      replace(summary, errorNotice({ message, lines: known.map((f) => `${label(f.field)}: ${f.message}`), reference }));
      summary.focus();
    },
  };
}

/** Disables a form's submit button while `work` runs (and says so to assistive tech). @param {HTMLFormElement} form @param {() => Promise<void>} work */
export async function busy(form, work) {
  const buttons = form.querySelectorAll('button');
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  }
}
