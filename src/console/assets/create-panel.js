// The "+ New …" panel the keys and webhooks screens share: it opens under the toolbar with the
// focus on the first field, submits to the API with the button disabled, shows the API's field
// errors beside the fields, and on close hands the focus back to the button that opened it.
import { ApiError, describeError } from './api.js';
import { busy, replace } from './ui.js';

/**
 * @param {{ panel: HTMLElement, newButton: HTMLElement | null, heading: HTMLElement }} parts
 */
export function createPanel({ panel, newButton, heading }) {
  return {
    /** @param {HTMLFormElement} form @param {string} firstField */
    open(form, firstField) {
      replace(panel, form);
      panel.hidden = false;
      newButton?.setAttribute('aria-expanded', 'true');
      /** @type {HTMLInputElement} */ (form.elements.namedItem(firstField)).focus();
    },
    close() {
      // What the panel showed (a key or a secret shown once) leaves the page for good.
      replace(panel);
      panel.hidden = true;
      newButton?.setAttribute('aria-expanded', 'false');
      (newButton ?? heading).focus();
    },
  };
}

/**
 * Runs `send` with the form busy; an API refusal is shown in the form's error summary and beside
 * the fields it names.
 * @param {HTMLFormElement} form
 * @param {{ show(message: string, fields: Array<{field: string, message: string}>, reference?: string): void }} kit
 * @param {() => Promise<void>} send
 */
export function submitToApi(form, kit, send) {
  void busy(form, async () => {
    try {
      await send();
    } catch (err) {
      const d = describeError(err);
      kit.show(d.message, err instanceof ApiError ? err.fieldErrors : [], d.reference);
    }
  });
}
