/* global window, FormData */
// Settings → API: the organisation's keys, "+ New key" (shown once, with a copy button) and
// Revoke with confirmation. Owners create and revoke; admins see the list.
import { api, defaultRateLimit, describeError, scopes } from './api.js';
import { createPanel, submitToApi } from './create-panel.js';
import { announce, confirmDialog, errorNotice, formKit, h, localToIso, notice, pager, replace, revealSecret, time } from './ui.js';

const PAGE_SIZE = 50;

/** @param {HTMLElement} main @param {import('./app.js').Ctx} ctx */
export async function renderKeys(main, ctx) {
  const { me } = ctx;
  const tz = me.organisation.timezone;
  const canManage = me.role === 'owner' && me.organisation.api_access;
  let offset = 0;

  const heading = ctx.title('API keys');
  const flash = h('div', { class: 'flash', tabindex: '-1' });
  const panel = h('section', { id: 'new-key-panel', class: 'card', hidden: true, 'aria-label': 'New key' });
  const list = h('div', { class: 'list' });
  const newButton = canManage
    ? h('button', { type: 'button', class: 'button-primary', 'aria-expanded': 'false', 'aria-controls': 'new-key-panel', onclick: openForm }, '+ New key')
    : null;
  const createForm = createPanel({ panel, newButton, heading });

  replace(main,
    h('p', { class: 'breadcrumb' }, 'Settings › API'),
    heading,
    h('p', { class: 'lead' },
      'Keys let your tools (ERP, e-commerce, BI) read your data through the API. Use one key per integration, with the fewest scopes it needs, and send it in the ',
      h('code', null, 'X-API-Key'), ' header. ',
      h('a', { href: '/docs' }, 'Try every endpoint in the API reference'), '.'),
    me.organisation.api_access ? null : notice('info', h('p', null, 'Your edition does not include API access; the API add-on enables it. Until then no key can be created or used.')),
    me.role === 'owner' ? null : h('p', { class: 'muted' }, `Only owners create and revoke keys; you are ${me.role}.`),
    newButton ? h('div', { class: 'toolbar' }, newButton) : null,
    flash,
    panel,
    list);

  await loadList();

  async function loadList() {
    const page = await api.get('/api/v1/api-keys', { limit: PAGE_SIZE, offset });
    if (!ctx.current()) return;
    if (page.total === 0) {
      replace(list, h('p', { class: 'empty' }, canManage ? 'No key yet. Create one with “+ New key”.' : 'No key yet.'));
      return;
    }
    replace(list,
      h('table', { class: 'table keys' },
        h('caption', { class: 'visually-hidden' }, `API keys of ${me.organisation.name}`),
        h('thead', null, h('tr', null,
          ['Name', 'Key', 'Scopes', 'Created', 'Last used', 'Status'].map((c) => h('th', { scope: 'col' }, c)),
          me.role === 'owner' ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
        h('tbody', null, page.items.map(row))),
      pager(page, 'keys', (next) => { offset = next; void loadList(); }));
  }

  /** @param {any} key */
  function row(key) {
    return h('tr', { 'data-key-id': key.id, class: key.status === 'active' ? null : 'inactive' },
      h('th', { scope: 'row' },
        h('span', { class: 'name' }, key.name),
        key.description ? h('span', { class: 'description' }, key.description) : null),
      h('td', null, h('code', null, `${key.prefix}…`)),
      h('td', null, h('ul', { class: 'scopes' }, key.scopes.map((/** @type {string} */ s) => h('li', null, h('code', null, s)))),
        key.project_id ? h('span', { class: 'sub' }, `Project ${key.project_id.slice(0, 8)} only`) : null),
      h('td', null, time(key.created_at, tz), h('span', { class: 'sub' }, `by ${createdBy(key.created_by)}`)),
      h('td', null, time(key.last_used_at, tz, 'Never used'), key.last_used_ip ? h('span', { class: 'sub' }, `from ${key.last_used_ip}`) : null),
      h('td', null, status(key)),
      me.role === 'owner'
        ? h('td', { class: 'row-actions' }, key.status === 'active'
          ? h('button', { type: 'button', class: 'button-danger-outline', 'aria-label': `Revoke key ${key.name}`, onclick: () => revoke(key) }, 'Revoke')
          : null)
        : null);
  }

  /** @param {string | null} userId */
  function createdBy(userId) {
    if (userId === null) return 'the admin tool';
    return userId === me.user.id ? `you (${me.user.name || me.user.email})` : 'another member';
  }

  /** @param {any} key */
  function status(key) {
    if (key.status === 'revoked') return [h('span', { class: 'badge badge-revoked' }, 'Revoked'), h('span', { class: 'sub' }, time(key.revoked_at, tz))];
    if (key.status === 'expired') return [h('span', { class: 'badge badge-expired' }, 'Expired'), h('span', { class: 'sub' }, time(key.expires_at, tz))];
    return [h('span', { class: 'badge badge-active' }, 'Active'),
      key.expires_at ? h('span', { class: 'sub' }, 'until ', time(key.expires_at, tz)) : null,
      h('span', { class: 'sub' }, `${key.rate_limit_per_minute} requests/min`)];
  }

  /** @param {any} key */
  async function revoke(key) {
    const confirmed = await confirmDialog({
      title: `Revoke the key “${key.name}”?`,
      body: `Every integration using ${key.prefix}… is refused from its next request. This cannot be undone.`,
      confirm: 'Revoke key',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.post(`/api/v1/api-keys/${encodeURIComponent(key.id)}/revoke`);
      replace(flash, notice('success', h('p', null, `The key “${key.name}” is revoked: requests made with it are now refused.`)));
      await loadList();
    } catch (err) {
      replace(flash, errorNotice(describeError(err)));
    }
    flash.focus();
  }

  function openForm() {
    replace(flash);
    // The placeholder follows the chosen scopes: what an empty field will give (seed 001's partner scopes: 100).
    const rateInput = /** @type {HTMLInputElement} */ (h('input', { type: 'number', min: '1', max: '10000', step: '1', inputmode: 'numeric', placeholder: String(defaultRateLimit(ctx.spec, [])) }));
    const kit = formKit({ name: 'Name', description: 'Description (optional)', scopes: 'Scopes', expires_at: 'Expires (optional)', rate_limit_per_minute: 'Rate limit (optional)' });
    const form = /** @type {HTMLFormElement} */ (h('form', { novalidate: true, 'aria-labelledby': 'new-key-title' },
      h('h2', { id: 'new-key-title' }, 'New key'),
      kit.summary,
      kit.field('name', h('input', { type: 'text', maxlength: '100', required: true, autocomplete: 'off' }), 'What it is for, e.g. “Make.com ETL prod”.'),
      kit.field('description', h('textarea', { rows: '2', maxlength: '1000' })),
      kit.group('scopes', { hint: 'Choose the least the integration needs.', items: scopes(ctx.spec).map((s) => ({ value: s.scope, description: s.description })) }),
      h('div', { class: 'field-row' },
        kit.field('expires_at', h('input', { type: 'datetime-local' }), 'In your browser’s time zone. Empty: the key does not expire.'),
        kit.field('rate_limit_per_minute', rateInput, 'Requests per minute; when empty, the default of the chosen scopes (shown).')),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button-primary' }, 'Generate key'),
        h('button', { type: 'button', class: 'button-secondary', onclick: closePanel }, 'Cancel'))));

    form.addEventListener('change', () => {
      rateInput.placeholder = String(defaultRateLimit(ctx.spec, new FormData(form).getAll('scopes').map(String)));
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      kit.clear();
      /** @type {Record<string, unknown>} */
      const body = { name: String(data.get('name') ?? '').trim(), scopes: data.getAll('scopes').map(String) };
      const description = String(data.get('description') ?? '').trim();
      if (description) body.description = description;
      const expires = String(data.get('expires_at') ?? '');
      if (expires) body.expires_at = localToIso(expires) ?? expires;
      const rate = String(data.get('rate_limit_per_minute') ?? '').trim();
      if (rate) body.rate_limit_per_minute = Number(rate);

      /** @type {Array<{field: string, message: string}>} */
      const missing = [];
      if (!body.name) missing.push({ field: 'name', message: 'give the key a name' });
      if (!(/** @type {string[]} */ (body.scopes)).length) missing.push({ field: 'scopes', message: 'choose at least one' });
      if (missing.length) return kit.show('The key was not created:', missing);

      submitToApi(form, kit, async () => {
        const created = await api.post('/api/v1/api-keys', body);
        showCreated(created);
        await loadList();
      });
    });

    createForm.open(form, 'name');
  }

  /** The key, shown this once. @param {{api_key: any, key: string}} created */
  function showCreated({ api_key, key }) {
    revealSecret(panel, {
      title: `Your new key “${api_key.name}”`,
      label: 'API key',
      copy: 'Copy key',
      value: key,
      warning: 'Only a digest of it is stored. Keep it in a vault; if it is lost, revoke it and create another.',
      hint: h('p', { class: 'hint' }, 'Try it: ', h('code', { class: 'snippet' }, `curl -H "X-API-Key: ${api_key.prefix}…" ${window.location.origin}/api/v1/whoami`)),
      done: 'Done, I have copied it',
      onDone: closePanel,
    });
    announce(`Key “${api_key.name}” created. Copy it now: you will not see it again.`);
  }

  function closePanel() {
    createForm.close();
  }
}

