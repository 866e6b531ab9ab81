/* global window, FormData, URLSearchParams */
// The audit log, newest first, filtered by action, kind of actor and time. The filters live in
// the address (#/audit?action=…), so a filtered view can be reloaded or shared.
import { api } from './api.js';
import { announce, h, isoToLocal, localToIso, pager, replace, time, uid } from './ui.js';

const PAGE_SIZE = 50;
const KNOWN_ACTIONS = ['auth.login', 'auth.login_failed', 'api_key.created', 'api_key.revoked', 'member.added', 'webhook.created', 'webhook.updated', 'webhook.deleted'];
const ACTORS = [['', 'Anyone'], ['user', 'A user'], ['api_key', 'An API key'], ['system', 'The system']];

/** @param {HTMLElement} main @param {import('./app.js').Ctx} ctx */
export async function renderAudit(main, ctx) {
  const { me } = ctx;
  const tz = me.organisation.timezone;
  const filters = {
    action: ctx.params.get('action') ?? '',
    actor_type: ctx.params.get('actor_type') ?? '',
    since: ctx.params.get('since') ?? '',
    until: ctx.params.get('until') ?? '',
  };
  let offset = Number(ctx.params.get('offset') ?? 0) || 0;

  // Key names, to say which key acted or was acted on (best effort).
  /** @type {Record<string, {name: string, prefix: string}>} */
  const keys = {};
  await api.get('/api/v1/api-keys', { limit: 200 }).then(
    (page) => { for (const k of page.items) keys[k.id] = k; },
    () => {});
  if (!ctx.current()) return;

  const results = h('div', { class: 'list' });
  const listId = uid('actions');
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'filters card', role: 'search', 'aria-label': 'Filter the audit log' },
    h('div', { class: 'field' },
      h('label', { for: 'audit-action' }, 'Action'),
      h('input', { id: 'audit-action', name: 'action', type: 'text', list: listId, value: filters.action, placeholder: 'e.g. api_key.created', autocomplete: 'off', spellcheck: 'false' }),
      h('datalist', { id: listId }, KNOWN_ACTIONS.map((a) => h('option', { value: a })))),
    h('div', { class: 'field' },
      h('label', { for: 'audit-actor' }, 'Done by'),
      h('select', { id: 'audit-actor', name: 'actor_type' },
        ACTORS.map(([value, label]) => h('option', { value, selected: value === filters.actor_type }, label)))),
    h('div', { class: 'field' },
      h('label', { for: 'audit-since' }, 'From'),
      h('input', { id: 'audit-since', name: 'since', type: 'datetime-local', value: isoToLocal(filters.since) })),
    h('div', { class: 'field' },
      h('label', { for: 'audit-until' }, 'Until'),
      h('input', { id: 'audit-until', name: 'until', type: 'datetime-local', value: isoToLocal(filters.until) })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button-primary' }, 'Apply filters'),
      h('button', { type: 'button', class: 'button-secondary', onclick: clear }, 'Clear'))));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters.action = String(data.get('action') ?? '').trim();
    filters.actor_type = String(data.get('actor_type') ?? '');
    filters.since = localToIso(String(data.get('since') ?? '')) ?? '';
    filters.until = localToIso(String(data.get('until') ?? '')) ?? '';
    offset = 0;
    void load(true);
  });

  replace(main,
    h('p', { class: 'breadcrumb' }, 'Settings › API'),
    ctx.title('Audit log'),
    h('p', { class: 'lead' }, `What happened in ${me.organisation.name}, and who did it. Times in ${tz}.`),
    form,
    results);
  await load(false);

  function clear() {
    form.reset();
    for (const el of form.querySelectorAll('input')) el.value = '';
    /** @type {HTMLSelectElement} */ (form.elements.namedItem('actor_type')).value = '';
    form.requestSubmit();
  }

  /** @param {boolean} speak */
  async function load(speak) {
    const query = { ...filters, limit: PAGE_SIZE, offset };
    // The address keeps the filters, without adding a history entry per change.
    const shown = new URLSearchParams(Object.entries({ ...filters, offset: offset ? String(offset) : '' }).filter(([, v]) => v));
    const qs = shown.toString();
    window.history.replaceState(null, '', `#/audit${qs ? `?${qs}` : ''}`);
    const page = await api.get('/api/v1/audit-events', query);
    if (!ctx.current()) return;
    const summary = page.total === 1 ? '1 event' : `${page.total} events`;
    if (speak) announce(`${summary} found.`);
    if (page.total === 0) {
      replace(results, h('p', { class: 'empty' }, 'No event matches these filters.'));
      return;
    }
    replace(results,
      h('table', { class: 'table audit' },
        h('caption', { class: 'visually-hidden' }, `Audit events, newest first: ${summary}`),
        h('thead', null, h('tr', null, ['When', 'Who', 'Action', 'Target', 'From', 'Details'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, page.items.map(row))),
      pager(page, 'events', (next) => { offset = next; void load(true); }));
  }

  /** @param {any} e */
  function row(e) {
    return h('tr', null,
      h('td', null, time(e.created_at, tz)),
      h('td', null, who(e.actor_type, e.actor_id)),
      h('td', null, h('code', null, e.action)),
      h('td', null, target(e.target_type, e.target_id)),
      h('td', null, e.ip ?? h('span', { class: 'muted' }, '—')),
      h('td', { class: 'details' }, details(e.metadata)));
  }

  /** @param {string} type @param {string | null} id */
  function who(type, id) {
    if (type === 'system' || !id) return 'The system';
    if (type === 'api_key') return keys[id] ? `Key “${keys[id].name}” (${keys[id].prefix}…)` : `API key ${id.slice(0, 8)}`;
    return id === me.user.id ? `You (${me.user.name || me.user.email})` : `User ${id.slice(0, 8)}`;
  }

  /** @param {string | null} type @param {string | null} id */
  function target(type, id) {
    if (!type) return h('span', { class: 'muted' }, '—');
    if (type === 'api_key' && id && keys[id]) return `Key “${keys[id].name}”`;
    if (type === 'user' && id) return who('user', id);
    return `${type.replaceAll('_', ' ')}${id ? ` ${id.slice(0, 8)}` : ''}`;
  }
}

/** Metadata as words: "name: Make.com ETL · scopes: read:catalogue, read:tickets". @param {Record<string, unknown>} metadata */
function details(metadata) {
  const entries = Object.entries(metadata ?? {});
  if (!entries.length) return h('span', { class: 'muted' }, '—');
  return h('ul', { class: 'meta' }, entries.map(([k, v]) => h('li', null, h('span', { class: 'meta-key' }, `${k.replaceAll('_', ' ')}: `), words(v))));
}

/** @param {unknown} v @returns {string} */
function words(v) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.map(words).join(', ');
  if (typeof v === 'object') return Object.entries(/** @type {object} */ (v)).map(([k, x]) => `${k} ${words(x)}`).join('; ');
  return String(v);
}
