/* global FormData */
// Webhooks: the endpoints (list, "+ New endpoint" with the signing secret shown once) and, per
// endpoint, "Send a test event" with its outcome and the delivery log with "Retry now".
import { api, describeError } from './api.js';
import { createPanel, submitToApi } from './create-panel.js';
import { announce, errorNotice, formKit, h, notice, pager, replace, revealSecret, time } from './ui.js';

const PAGE_SIZE = 50;

/** @param {HTMLElement} main @param {import('./app.js').Ctx} ctx */
export function renderWebhooks(main, ctx) {
  return ctx.sub[0] ? renderEndpoint(main, ctx, ctx.sub[0]) : renderList(main, ctx);
}

/** The event types one can subscribe to, with their explanation (the API's catalogue, else the spec). @param {any} spec */
async function eventTypes(spec) {
  try {
    const page = await api.get('/api/v1/webhook-event-types', { limit: 200 });
    return page.items.filter((/** @type {any} */ t) => t.subscribable).map((/** @type {any} */ t) => ({ value: t.type, description: t.description }));
  } catch {
    return (spec?.components?.schemas?.WebhookEventType?.enum ?? []).map((/** @type {string} */ value) => ({ value, description: '' }));
  }
}

/** @param {any} w */
function endpointStatus(w, /** @type {string} */ tz) {
  if (!w.active) {
    const why = w.disabled_reason === 'gone' ? 'the endpoint answered 410 Gone' : w.disabled_reason === 'failing' ? 'every attempt failed for 5 days' : null;
    return [h('span', { class: 'badge badge-revoked' }, 'Off'), why ? h('span', { class: 'sub' }, `Switched off by Aura: ${why}`) : null];
  }
  return [h('span', { class: 'badge badge-active' }, 'Active'),
    w.failing_since ? h('span', { class: 'sub warning-text' }, 'Failing since ', time(w.failing_since, tz)) : null];
}

/** @param {HTMLElement} main @param {import('./app.js').Ctx} ctx */
async function renderList(main, ctx) {
  const tz = ctx.me.organisation.timezone;
  const canManage = ctx.me.role === 'owner' || ctx.me.role === 'admin';
  let offset = 0;
  const heading = ctx.title('Webhooks');
  const panel = h('section', { id: 'new-webhook-panel', class: 'card', hidden: true, 'aria-label': 'New endpoint' });
  const list = h('div', { class: 'list' });
  const newButton = canManage
    ? h('button', { type: 'button', class: 'button-primary', 'aria-expanded': 'false', 'aria-controls': 'new-webhook-panel', onclick: openForm }, '+ New endpoint')
    : null;
  const createForm = createPanel({ panel, newButton, heading });

  replace(main,
    h('p', { class: 'breadcrumb' }, 'Settings › API'),
    heading,
    h('p', { class: 'lead' }, 'Aura sends each event to your endpoints as it happens, signed with the endpoint’s secret (Standard Webhooks), and retries for about three days until the endpoint answers 2xx.'),
    newButton ? h('div', { class: 'toolbar' }, newButton) : null,
    panel,
    list);
  await loadList();

  async function loadList() {
    const page = await api.get('/api/v1/webhooks', { limit: PAGE_SIZE, offset });
    if (!ctx.current()) return;
    if (page.total === 0) {
      replace(list, h('p', { class: 'empty' }, 'No endpoint yet. Add one with “+ New endpoint”.'));
      return;
    }
    replace(list,
      h('table', { class: 'table webhooks' },
        h('caption', { class: 'visually-hidden' }, 'Webhook endpoints'),
        h('thead', null, h('tr', null, ['Endpoint', 'Events', 'Status', 'Created'].map((c) => h('th', { scope: 'col' }, c)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', null, page.items.map((/** @type {any} */ w) => h('tr', null,
          h('th', { scope: 'row' }, h('span', { class: 'name url' }, w.url), w.description ? h('span', { class: 'description' }, w.description) : null),
          h('td', null, h('ul', { class: 'scopes' }, w.events.map((/** @type {string} */ e) => h('li', null, h('code', null, e))))),
          h('td', null, endpointStatus(w, tz)),
          h('td', null, time(w.created_at, tz)),
          h('td', { class: 'row-actions' }, h('a', { href: `#/webhooks/${encodeURIComponent(w.id)}`, class: 'button-link', 'aria-label': `Deliveries and test of ${w.url}` }, 'Deliveries and test')))))),
      pager(page, 'endpoints', (next) => { offset = next; void loadList(); }));
  }

  async function openForm() {
    const kit = formKit({ url: 'URL', description: 'Description (optional)', events: 'Events' });
    const items = await eventTypes(ctx.spec);
    const form = /** @type {HTMLFormElement} */ (h('form', { novalidate: true, 'aria-labelledby': 'new-webhook-title' },
      h('h2', { id: 'new-webhook-title' }, 'New endpoint'),
      kit.summary,
      kit.field('url', h('input', { type: 'url', required: true, maxlength: '2048', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://' }), 'An https:// address of yours, reachable from the internet.'),
      kit.field('description', h('input', { type: 'text', maxlength: '1000' })),
      kit.group('events', { hint: 'The events to send to it.', items }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button-primary' }, 'Create endpoint'),
        h('button', { type: 'button', class: 'button-secondary', onclick: closePanel }, 'Cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      kit.clear();
      const data = new FormData(form);
      /** @type {Record<string, unknown>} */
      const body = { url: String(data.get('url') ?? '').trim(), events: data.getAll('events').map(String) };
      const description = String(data.get('description') ?? '').trim();
      if (description) body.description = description;
      const missing = [];
      if (!body.url) missing.push({ field: 'url', message: 'give the address that receives the events' });
      if (!(/** @type {string[]} */ (body.events)).length) missing.push({ field: 'events', message: 'choose at least one' });
      if (missing.length) return kit.show('The endpoint was not created:', missing);
      submitToApi(form, kit, async () => {
        const created = await api.post('/api/v1/webhooks', body);
        revealSecret(panel, {
          title: `Endpoint created: ${created.webhook.url}`,
          label: 'Signing secret',
          copy: 'Copy secret',
          value: created.secret,
          warning: 'Your endpoint verifies the webhook-signature header of each delivery with it. Keep it in a vault; it can be rotated later.',
          done: 'Done, I have copied it',
          onDone: closePanel,
        });
        announce('Endpoint created. Copy its signing secret now: you will not see it again.');
        await loadList();
      });
    });
    createForm.open(form, 'url');
  }

  function closePanel() {
    createForm.close();
  }
}

/** @param {HTMLElement} main @param {import('./app.js').Ctx} ctx @param {string} id */
async function renderEndpoint(main, ctx, id) {
  const tz = ctx.me.organisation.timezone;
  const path = `/api/v1/webhooks/${encodeURIComponent(id)}`;
  const w = await api.get(path);
  if (!ctx.current()) return;
  let offset = 0;
  let statusFilter = ctx.params.get('status') ?? '';
  const testOutcome = h('div', { class: 'flash', tabindex: '-1' });
  const flash = h('div', { class: 'flash', tabindex: '-1' });
  const list = h('div', { class: 'list' });
  const testButton = h('button', { type: 'button', class: 'button-primary', onclick: sendTest }, 'Send a test event');
  const filter = /** @type {HTMLSelectElement} */ (h('select', { id: 'delivery-status', onchange: () => { statusFilter = filter.value; offset = 0; void loadDeliveries(true); } },
    [['', 'All'], ['pending', 'Pending'], ['delivered', 'Delivered'], ['failed', 'Failed']].map(([value, label]) => h('option', { value, selected: value === statusFilter }, label))));

  replace(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/webhooks' }, '← All webhooks')),
    ctx.title('Webhook endpoint'),
    h('p', { class: 'lead' }, h('code', { class: 'url' }, w.url)),
    h('dl', { class: 'facts' },
      h('dt', null, 'Events'), h('dd', null, w.events.join(', ')),
      h('dt', null, 'Status'), h('dd', null, endpointStatus(w, tz)),
      w.description ? [h('dt', null, 'Description'), h('dd', null, w.description)] : null,
      h('dt', null, 'Created'), h('dd', null, time(w.created_at, tz))),
    h('section', { class: 'card', 'aria-labelledby': 'test-title' },
      h('h2', { id: 'test-title' }, 'Test'),
      h('p', null, 'Sends a signed ', h('code', null, 'webhook.test'), ' event now, even while the endpoint is off, and shows what it answered. It is not retried.'),
      testButton,
      testOutcome),
    h('section', { 'aria-labelledby': 'deliveries-title' },
      h('h2', { id: 'deliveries-title' }, 'Deliveries'),
      h('div', { class: 'toolbar' }, h('label', { for: 'delivery-status' }, 'Show'), filter),
      flash,
      list));
  await loadDeliveries(false);

  async function sendTest() {
    testButton.setAttribute('disabled', '');
    replace(testOutcome, h('p', { class: 'muted', role: 'status' }, 'Sending…'));
    try {
      const r = await api.post(`${path}/test`);
      const answer = r.status_code === null ? null : `HTTP ${r.status_code} in ${r.duration_ms} ms`;
      replace(testOutcome, r.success
        ? notice('success', h('p', null, h('strong', null, 'Test delivered: '), `the endpoint answered ${answer}.`), body(r.response_body))
        : notice('error', h('p', null, h('strong', null, 'Test failed: '), r.error ?? 'the endpoint did not answer 2xx', answer ? ` (${answer}).` : '.'), body(r.response_body)));
      await loadDeliveries(false);
    } catch (err) {
      replace(testOutcome, errorNotice(describeError(err)));
    } finally {
      testButton.removeAttribute('disabled');
    }
    testOutcome.focus();
  }

  /** @param {boolean} speak */
  async function loadDeliveries(speak) {
    const page = await api.get(`${path}/deliveries`, { status: statusFilter, limit: PAGE_SIZE, offset });
    if (!ctx.current()) return;
    if (speak) announce(page.total === 1 ? '1 delivery.' : `${page.total} deliveries.`);
    if (page.total === 0) {
      replace(list, h('p', { class: 'empty' }, statusFilter ? 'No delivery in this state.' : 'Nothing sent yet. Send a test event to see one here.'));
      return;
    }
    replace(list,
      h('table', { class: 'table deliveries' },
        h('caption', { class: 'visually-hidden' }, 'Deliveries, newest first'),
        h('thead', null, h('tr', null, ['Event', 'Status', 'Attempts', 'Last attempt', 'Next attempt', 'Queued'].map((c) => h('th', { scope: 'col' }, c)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', null, page.items.map(row))),
      pager(page, 'deliveries', (next) => { offset = next; void loadDeliveries(true); }));
  }

  /** @param {any} d */
  function row(d) {
    const badge = { pending: 'badge-expired', delivered: 'badge-active', failed: 'badge-revoked' }[/** @type {'pending'|'delivered'|'failed'} */ (d.status)] ?? '';
    return h('tr', null,
      h('th', { scope: 'row' }, h('code', null, d.event_type), h('span', { class: 'sub mono' }, d.event_id)),
      h('td', null, h('span', { class: `badge ${badge}` }, d.status[0].toUpperCase() + d.status.slice(1))),
      h('td', null, String(d.attempts)),
      h('td', null, time(d.last_attempt_at, tz, 'Not yet'),
        d.last_status_code !== null ? h('span', { class: 'sub' }, `HTTP ${d.last_status_code}${d.last_duration_ms !== null ? ` · ${d.last_duration_ms} ms` : ''}`) : null,
        d.last_error ? h('span', { class: 'sub warning-text' }, d.last_error) : null),
      h('td', null, d.status === 'pending' ? time(d.next_attempt_at, tz, '—') : h('span', { class: 'muted' }, '—')),
      h('td', null, time(d.created_at, tz)),
      h('td', { class: 'row-actions' }, h('button', { type: 'button', class: 'button-secondary', 'aria-label': `Retry ${d.event_type} ${d.event_id} now`, onclick: () => retry(d) }, 'Retry now')));
  }

  /** @param {any} d */
  async function retry(d) {
    try {
      const after = await api.post(`${path}/deliveries/${encodeURIComponent(d.id)}/retry`);
      replace(flash, after.status === 'delivered'
        ? notice('success', h('p', null, `Redelivered ${d.event_type}: the endpoint answered HTTP ${after.last_status_code}.`))
        : notice('error', h('p', null, `The retry of ${d.event_type} failed: ${after.last_error ?? 'the endpoint did not answer 2xx'}.`)));
      await loadDeliveries(false);
    } catch (err) {
      replace(flash, errorNotice(describeError(err)));
    }
    flash.focus();
  }
}

/** The first bytes of an answer, as text. @param {string | null} text */
function body(text) {
  return text ? h('p', { class: 'answer' }, 'Answer: ', h('code', null, text.length > 200 ? `${text.slice(0, 200)}…` : text)) : null;
}
