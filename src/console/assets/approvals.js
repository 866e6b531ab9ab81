/* global window */
// Approvals: a project's pending approval requests (#18), each with what it would change — the
// patch (table, WHERE, SET), its environment, the dry-run's count and sample rows (before → after)
// — and Approve / Reject with an optional comment, offered only to who may decide: not the
// requester (who may withdraw it instead), and only a project role among the request's approver
// roles (the caller's role comes from the project's permissions). The API still decides; the page
// shows its answer in words.
import { api, ApiError, describeError } from './api.js';
import { announce, confirmDialog, errorNotice, h, notice, pager, replace, time, uid } from './ui.js';

const PAGE_SIZE = 20;

/** @param {HTMLElement} main @param {import('./app.js').Ctx} ctx */
export async function renderApprovals(main, ctx) {
  const { me } = ctx;
  const tz = me.organisation.timezone;
  const projects = (await api.get('/api/v1/projects', { limit: 200 })).items;
  if (!ctx.current()) return;
  const heading = ctx.title('Approvals');
  const lead = h('p', { class: 'lead' },
    'Changes to production data wait here for the approvals the project’s policy requires. Check what the dry-run changed before deciding: a rejection is final for this version of the change.');
  if (projects.length === 0) {
    replace(main, heading, lead, h('p', { class: 'empty' }, 'You have no project yet, so nothing waits for approval.'));
    return;
  }
  const wanted = ctx.params.get('project');
  let project = projects.find((/** @type {any} */ p) => p.id === wanted) ?? projects[0];
  let offset = 0;
  const flash = h('div', { class: 'flash', tabindex: '-1' });
  const pendingTitle = h('h2', { id: 'pending-title', tabindex: '-1' }, 'Waiting for a decision');
  const list = h('div', { class: 'list approvals' });
  const picker = /** @type {HTMLSelectElement} */ (h('select', { id: 'approvals-project', onchange: () => void choose(picker.value) },
    projects.map((/** @type {any} */ p) => h('option', { value: p.id, selected: p.id === project.id }, p.name))));

  replace(main,
    h('p', { class: 'breadcrumb' }, 'Ops'),
    heading,
    lead,
    h('div', { class: 'toolbar' }, h('label', { for: 'approvals-project' }, 'Project'), picker),
    flash,
    h('section', { 'aria-labelledby': 'pending-title' },
      pendingTitle,
      list));
  await loadList();

  /** @param {string} id */
  async function choose(id) {
    project = projects.find((/** @type {any} */ p) => p.id === id) ?? project;
    offset = 0;
    replace(flash);
    // Remembered in the address (a reload stays on the project) without a new history entry.
    window.history.replaceState(null, '', `#/approvals?project=${encodeURIComponent(project.id)}`);
    await loadList();
    announce(`Showing the approvals of ${project.name}.`);
  }

  async function loadList() {
    const shown = project;
    list.setAttribute('aria-busy', 'true');
    try {
      const [page, people, connections, myRole] = await Promise.all([
        api.get('/api/v1/approvals', { project_id: shown.id, status: 'pending', limit: PAGE_SIZE, offset }),
        peopleOf(shown.id),
        connectionsOf(shown.id),
        roleIn(shown.id),
      ]);
      // Each request's subject, as it is now (the request is bound to its content hash).
      const patches = await Promise.all(page.items.map((/** @type {any} */ a) => api.get(`/api/v1/patches/${encodeURIComponent(a.subject.id)}`).catch((err) => ({ error: err }))));
      if (!ctx.current() || shown !== project) return;
      if (page.total === 0) {
        replace(list, h('p', { class: 'empty' }, `Nothing waits for approval in ${shown.name}.`));
        return;
      }
      replace(list,
        page.items.map((/** @type {any} */ a, /** @type {number} */ i) => card(a, patches[i], people, connections, myRole)),
        pager(page, 'pending approvals', (next) => { offset = next; void loadList(); }));
    } catch (err) {
      if (ctx.current()) replace(list, errorNotice(describeError(err)));
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  /** Names of the project's members (organisation owners and admins are not listed there). @param {string} projectId */
  async function peopleOf(projectId) {
    /** @type {Map<string, string>} */
    const names = new Map();
    try {
      const page = await api.get(`/api/v1/projects/${encodeURIComponent(projectId)}/members`, { limit: 200 });
      for (const m of page.items) names.set(m.id, m.name || m.email);
    } catch {
      // Names are a courtesy: without them, people are "another member".
    }
    return names;
  }

  /** The caller's role in the project (organisation owners and admins act as owners), or null if unknown. @param {string} projectId */
  async function roleIn(projectId) {
    try {
      return /** @type {string} */ ((await api.get(`/api/v1/projects/${encodeURIComponent(projectId)}/permissions`)).role);
    } catch {
      return null; // Unknown: the buttons stay, and the API's answer says who may decide.
    }
  }

  /** @param {string} projectId */
  async function connectionsOf(projectId) {
    /** @type {Map<string, string>} */
    const names = new Map();
    try {
      const page = await api.get('/api/v1/connections', { project_id: projectId, limit: 200 });
      for (const c of page.items) names.set(c.id, c.name);
    } catch {
      // The environment (on the request) says what matters; the name is a courtesy.
    }
    return names;
  }

  /** @param {{type: string, id: string | null}} actor @param {Map<string, string>} people */
  function who(actor, people) {
    if (actor.type === 'api_key') return 'an API key';
    if (actor.id === me.user.id) return `you (${me.user.name || me.user.email})`;
    return (actor.id && people.get(actor.id)) ?? 'another member';
  }

  /**
   * One pending request.
   * @param {any} a the approval @param {any} patch the patch, or {error}
   * @param {Map<string, string>} people @param {Map<string, string>} connections @param {string | null} myRole
   */
  function card(a, patch, people, connections, myRole) {
    const titleId = uid('approval-title');
    const name = patch.error ? `Patch ${a.subject.id.slice(0, 8)}` : patch.name;
    const mine = a.decisions.find((/** @type {any} */ d) => d.user_id === me.user.id);
    const requestedByMe = a.requested_by.type === 'user' && a.requested_by.id === me.user.id;
    return h('section', { class: 'card approval', 'aria-labelledby': titleId, 'data-approval-id': a.id },
      h('h3', { id: titleId }, name),
      h('p', { class: 'approval-tags' },
        h('span', { class: `badge badge-env-${a.environment}` }, a.environment),
        ' ', h('span', { class: 'muted' }, a.action === 'patch.rollback' ? 'Roll back an executed patch' : 'Execute a patch')),
      patch.error ? errorNotice(describeError(patch.error)) : null,
      h('dl', { class: 'facts' },
        patch.error ? null : change(patch, connections),
        h('dt', null, 'Requested by'), h('dd', null, who(a.requested_by, people), ', ', time(a.created_at, tz)),
        h('dt', null, 'Expires'), h('dd', null, time(a.expires_at, tz)),
        h('dt', null, 'Approvals'), h('dd', null,
          `${a.approvals_count} of ${a.required_approvals}`,
          h('span', { class: 'sub' }, `From: ${a.approver_roles.join(', ')} of the project`))),
      a.decisions.length ? h('ul', { class: 'decisions' }, a.decisions.map((/** @type {any} */ d) => h('li', null,
        h('strong', null, who({ type: 'user', id: d.user_id }, people)), d.decision === 'approve' ? ' approved' : ' rejected', ', ', time(d.at, tz),
        d.comment ? [': ', h('q', null, d.comment)] : null))) : null,
      dryRun(a, name),
      mine ? h('p', { class: 'muted' }, `You ${mine.decision === 'approve' ? 'approved' : 'rejected'} it; it waits for the others.`)
        : requestedByMe ? withdrawForm(a, name)
        : myRole !== null && !a.approver_roles.includes(myRole)
          ? h('p', { class: 'hint' }, `Your project role (${myRole}) cannot decide this request: it needs one of ${a.approver_roles.join(', ')}.`)
        : decisionForm(a, name));
  }

  /** The patch as it will run (terms of a <dl>). @param {any} patch @param {Map<string, string>} connections */
  function change(patch, connections) {
    const set = Object.entries(patch.set ?? {});
    return [
      h('dt', null, 'Connection'), h('dd', null, connections.get(patch.connection_id) ?? patch.connection_id),
      h('dt', null, 'Statement'), h('dd', null, h('code', null, `${patch.operation === 'delete' ? 'DELETE FROM' : 'UPDATE'} ${patch.table}`)),
      patch.operation === 'update'
        ? [h('dt', null, 'Set'), h('dd', null, h('ul', { class: 'meta' }, set.map(([column, value]) => h('li', null, h('code', null, `${column} = ${literal(value)}`)))))]
        : null,
      h('dt', null, 'Where'), h('dd', null, h('code', { class: 'where' }, patch.where), patch.allow_all_rows ? h('span', { class: 'sub warning-text' }, 'Allowed to change every row') : null),
      h('dt', null, 'Row limit'), h('dd', null, `${patch.max_rows.toLocaleString()}${patch.expected_rows === null ? '' : ` (expected: ${patch.expected_rows.toLocaleString()})`}`),
    ];
  }

  /** The dry-run of exactly this content: the count and the sample rows. @param {any} a @param {string} name */
  function dryRun(a, name) {
    if (!a.dry_run) {
      return notice('warning', h('p', null, h('strong', null, 'No dry-run of this version. '),
        a.affected_rows === null ? 'Nothing shows what it would change.' : `When it was requested it would have changed ${count(a.affected_rows)}.`));
    }
    const { affected_rows: affected, samples } = a.dry_run;
    return h('div', { class: 'dry-run' },
      h('p', { class: 'dry-run-count' }, h('strong', null, `Dry-run: ${count(affected)} would change.`),
        samples.length === 0 ? ' It recorded no sample rows.' : samples.length < affected ? ` The first ${samples.length} are shown.` : null),
      samples.length ? sampleTable(samples, `Sample rows of ${name}: before → after`) : null);
  }

  /** @param {Array<{pk: Record<string, unknown>, before: Record<string, unknown> | null, after: Record<string, unknown> | null}>} samples @param {string} caption */
  function sampleTable(samples, caption) {
    const keyColumns = Object.keys(samples[0].pk);
    /** @type {string[]} */
    const all = [];
    for (const s of samples) {
      for (const c of [...Object.keys(s.before ?? {}), ...Object.keys(s.after ?? {})]) {
        if (!keyColumns.includes(c) && !all.includes(c)) all.push(c);
      }
    }
    // The columns the change touches first (the stored rows keep no column order anyway).
    const touched = all.filter((c) => samples.some((s) => s.before && s.after && text(s.before[c]) !== text(s.after[c])));
    const columns = [...touched, ...all.filter((c) => !touched.includes(c))];
    return h('div', { class: 'table-scroll' },
      h('table', { class: 'table samples' },
        h('caption', null, caption),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, keyColumns.join(', ')),
          columns.map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, samples.map((s) => h('tr', { class: s.after === null ? 'deleted' : null },
          h('th', { scope: 'row' }, keyColumns.map((c) => text(s.pk[c])).join(', '), s.after === null ? h('span', { class: 'sub' }, 'deleted') : null),
          columns.map((c) => cell(s.before, s.after, c)))))));
  }

  /** @param {Record<string, unknown> | null} before @param {Record<string, unknown> | null} after @param {string} column */
  function cell(before, after, column) {
    const was = before ? text(before[column]) : '';
    if (after === null) return h('td', null, h('del', null, was));
    const now = text(after[column]);
    if (before === null || was === now) return h('td', null, now);
    return h('td', { class: 'changed' },
      h('del', null, h('span', { class: 'visually-hidden' }, 'was '), was),
      h('span', { 'aria-hidden': 'true' }, ' → '),
      h('ins', null, h('span', { class: 'visually-hidden' }, ', becomes '), now));
  }

  /** Approve / Reject with an optional comment. @param {any} a @param {string} name */
  function decisionForm(a, name) {
    const commentId = uid('approval-comment');
    const status = h('div', { class: 'decision-status', tabindex: '-1' });
    const comment = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: commentId, rows: '2', maxlength: '2000' }));
    const form = /** @type {HTMLFormElement} */ (h('form', { class: 'decision', 'aria-label': `Decision on ${name}`, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: commentId }, 'Comment (optional)'), comment),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', value: 'approve', class: 'button-primary', 'aria-label': `Approve ${name}` }, 'Approve'),
        h('button', { type: 'submit', value: 'reject', class: 'button-danger-outline', 'aria-label': `Reject ${name}` }, 'Reject')),
      status));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const submitter = /** @type {HTMLButtonElement | null} */ (/** @type {SubmitEvent} */ (event).submitter);
      void decide(a, name, submitter?.value === 'reject' ? 'reject' : 'approve', comment.value.trim(), form, status);
    });
    return form;
  }

  /** The requester's own request: another approver decides; they may withdraw it. @param {any} a @param {string} name */
  function withdrawForm(a, name) {
    const status = h('div', { class: 'decision-status', tabindex: '-1' });
    const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'button-secondary', 'aria-label': `Withdraw the request for ${name}` }, 'Withdraw request'));
    const form = /** @type {HTMLFormElement} */ (h('form', { class: 'decision', 'aria-label': `Your request for ${name}`, novalidate: true },
      h('p', { class: 'hint' }, 'You requested this: another approver must decide it.'),
      h('div', { class: 'actions' }, button),
      status));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void withdraw(a, name, form, status);
    });
    return form;
  }

  /** @param {any} a @param {string} name @param {HTMLFormElement} form @param {HTMLElement} status */
  async function withdraw(a, name, form, status) {
    const confirmed = await confirmDialog({
      title: `Withdraw the request for “${name}”?`,
      body: 'The patch goes back to draft. Executing it again asks for approval again.',
      confirm: 'Withdraw',
    });
    if (!confirmed) return;
    await act(form, status, async () => {
      await api.post(`/api/v1/approvals/${encodeURIComponent(a.id)}/cancel`);
      return `Your request for “${name}” is withdrawn: the patch is a draft again.`;
    });
  }

  /**
   * @param {any} a @param {string} name @param {'approve'|'reject'} decision @param {string} comment
   * @param {HTMLFormElement} form @param {HTMLElement} status
   */
  async function decide(a, name, decision, comment, form, status) {
    if (decision === 'reject') {
      const confirmed = await confirmDialog({
        title: `Reject “${name}”?`,
        body: 'A rejection is final for this version: the patch goes back to draft and must change before it can be requested again.',
        confirm: 'Reject',
        danger: true,
      });
      if (!confirmed) return;
    }
    await act(form, status, async () => {
      const after = await api.patch(`/api/v1/approvals/${encodeURIComponent(a.id)}`, comment ? { decision, comment } : { decision });
      return after.status === 'approved' ? `“${name}” is approved: it may now run.`
        : after.status === 'rejected' ? `“${name}” is rejected: it will not run in this version.`
          : `Your approval of “${name}” is recorded: ${after.approvals_count} of ${after.required_approvals}.`;
    });
  }

  /**
   * One card's action (decide, withdraw): its buttons off while it runs; success → the message
   * flashed and announced, the list reloaded; a 409 (decided, expired or superseded meanwhile: the
   * list is out of date, this card may leave it) → flashed, the list reloaded; else the API's
   * answer in words on the card.
   * @param {HTMLFormElement} form @param {HTMLElement} status @param {() => Promise<string>} call
   */
  async function act(form, status, call) {
    const buttons = form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    form.setAttribute('aria-busy', 'true');
    replace(status);
    try {
      const message = await call();
      replace(flash, notice('success', h('p', null, message)));
      announce(message);
      await loadList();
      // The card has left (with the focused button): the reading goes on at the list.
      pendingTitle.focus();
    } catch (err) {
      const described = describeError(err);
      if (err instanceof ApiError && err.status === 409) {
        replace(flash, errorNotice(described));
        await loadList();
        flash.focus();
      } else {
        replace(status, errorNotice(described));
        status.focus();
      }
    } finally {
      for (const b of buttons) b.disabled = false;
      form.removeAttribute('aria-busy');
    }
  }
}

/** @param {number} n */
const count = (n) => `${n.toLocaleString()} ${n === 1 ? 'row' : 'rows'}`;

/** A SET value as SQL reads it (display only: the API sends values as bind parameters). @param {unknown} v */
function literal(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `'${(typeof v === 'string' ? v : JSON.stringify(v)).replaceAll("'", "''")}'`;
}

/** A column value as people read it: text as is, NULL, the rest as JSON. @param {unknown} v */
function text(v) {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
