/* global document, window, URLSearchParams, FormData */
// The Aura console: sign in, then Settings → API (keys, webhooks, audit log) and ops approvals.
// Plain ES modules, no build step, no dependency; hash routes (#/keys, #/webhooks, #/audit?…).
import { api, ApiError, csrf, describeError, hasOperation, request, spec, whenSignedOut } from './api.js';
import { renderApprovals } from './approvals.js';
import { renderAudit } from './audit.js';
import { renderKeys } from './keys.js';
import { errorNotice, h, notice, replace } from './ui.js';
import { renderWebhooks } from './webhooks.js';

/**
 * What every screen gets.
 * @typedef {{
 *   me: {user: {id: string, email: string, name: string}, organisation: {id: string, name: string, slug: string, edition: string, api_access: boolean, timezone: string}, role: 'owner'|'admin'|'member'},
 *   spec: any,
 *   params: URLSearchParams,
 *   sub: string[],
 *   title: (text: string) => HTMLElement,
 *   go: (hash: string) => void,
 *   current: () => boolean,
 * }} Ctx
 */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const account = /** @type {HTMLElement} */ (document.getElementById('account'));

/** @type {Ctx['me'] | null} */
let me = null;
let doc = /** @type {any} */ ({});
let renderSeq = 0;
let focusHeading = false;

/** The screens, in the navigation's order; `available` hides what this server does not have. */
const ROUTES = [
  { path: 'keys', label: 'API keys', render: renderKeys, available: () => true },
  { path: 'webhooks', label: 'Webhooks', render: renderWebhooks, available: () => hasOperation(doc, 'listWebhooks') },
  { path: 'approvals', label: 'Approvals', render: renderApprovals, available: () => hasOperation(doc, 'listApprovals') },
  { path: 'audit', label: 'Audit log', render: renderAudit, available: () => true },
];

const decode = (/** @type {string} */ s) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [route, query = ''] = raw.split('?');
  const [path, ...rest] = route.split('/');
  return { path, sub: rest.map(decode), params: new URLSearchParams(query) };
}

/** The page's <h1>, focusable so that moving to a screen moves the reading position too. */
function title(/** @type {string} */ text) {
  document.title = `${text} — Aura console`;
  return h('h1', { tabindex: '-1', id: 'page-title' }, text);
}

function renderNav(/** @type {string} */ active) {
  replace(nav, h('ul', null, ROUTES.filter((r) => r.available()).map((r) =>
    h('li', null, h('a', { href: `#/${r.path}`, 'aria-current': r.path === active ? 'page' : null }, r.label)))));
  nav.hidden = false;
}

function renderAccount() {
  if (!me) return;
  replace(account,
    h('span', { class: 'who' }, h('strong', null, me.user.name || me.user.email), ` · ${me.organisation.name} (${me.role})`),
    h('button', { type: 'button', class: 'button-secondary', onclick: signOut }, 'Sign out'));
  account.hidden = false;
}

async function route() {
  if (!me) return;
  const { path, sub, params } = parseHash();
  const target = ROUTES.find((r) => r.path === path && r.available());
  if (!target) {
    window.location.replace('#/keys');
    return;
  }
  const seq = ++renderSeq;
  renderNav(target.path);
  /** @type {Ctx} */
  const ctx = {
    me,
    spec: doc,
    params,
    sub,
    title,
    go: (hash) => { window.location.hash = hash; },
    current: () => seq === renderSeq,
  };
  try {
    await target.render(main, ctx);
  } catch (err) {
    if (ctx.current()) replace(main, title(target.label), errorNotice(describeError(err)));
  }
  if (focusHeading && ctx.current()) document.getElementById('page-title')?.focus();
  focusHeading = false;
}

/** @param {string} [message] */
function showSignIn(message) {
  me = null;
  renderSeq++;
  nav.hidden = true;
  account.hidden = true;
  replace(nav);
  replace(account);
  const status = h('div', { id: 'sign-in-status' }, message ? notice('info', h('p', null, message)) : null);
  const button = h('button', { type: 'submit', class: 'button-primary' }, 'Sign in');
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'card sign-in', 'aria-labelledby': 'page-title' },
    h('div', { class: 'field' },
      h('label', { for: 'email' }, 'Email'),
      h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true, spellcheck: 'false' })),
    h('div', { class: 'field' },
      h('label', { for: 'password' }, 'Password'),
      h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    button.setAttribute('disabled', '');
    form.setAttribute('aria-busy', 'true');
    try {
      const body = { email: String(data.get('email')).trim(), password: String(data.get('password')) };
      const session = await request('POST', '/api/v1/auth/login', { body, signIn: true });
      csrf.set(session.csrf_token);
      await enter({ user: session.user, organisation: session.organisation, role: session.role });
    } catch (err) {
      replace(status, errorNotice(describeError(err)));
      /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).select();
    } finally {
      button.removeAttribute('disabled');
      form.removeAttribute('aria-busy');
    }
  });
  replace(main, title('Sign in to Aura'), h('p', { class: 'lead' }, 'Owners and admins manage the organisation’s API keys, webhooks and audit log here.'), h('div', { class: 'sign-in-wrap' }, status, form));
  /** @type {HTMLInputElement} */ (form.elements.namedItem('email')).focus();
}

/** @param {Ctx['me']} who */
async function enter(who) {
  me = who;
  doc = await spec();
  renderAccount();
  focusHeading = true;
  if (!parseHash().path) window.location.replace('#/keys');
  else await route();
}

async function signOut() {
  try {
    await api.post('/api/v1/auth/logout');
  } catch {
    // The session is ended either way on this side.
  }
  csrf.clear();
  window.location.replace('#/keys');
  showSignIn('You have signed out.');
}

async function boot() {
  document.getElementById('skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  whenSignedOut((reason) => {
    csrf.clear();
    showSignIn(reason);
  });
  window.addEventListener('hashchange', () => {
    focusHeading = true;
    void route();
  });
  // Without the CSRF token of this tab, changes cannot be made: sign in (again) here.
  if (!csrf.get()) return showSignIn();
  try {
    const who = await api.get('/api/v1/auth/me');
    await enter({ user: who.user, organisation: who.organisation, role: who.role });
  } catch (err) {
    // A 401 has already brought the sign-in form (whenSignedOut).
    if (!(err instanceof ApiError && err.status === 401)) showSignIn(describeError(err).message);
  }
}

void boot();
