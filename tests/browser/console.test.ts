// The owner's console (Settings → API) in a real browser: sign in, create a key with two scopes,
// copy it, use it against the API, revoke it with confirmation, see it revoked with its last use;
// the audit log with filters. The steps run in order and share the signed-in page.
import type { Page } from 'playwright-core';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { createProduit } from '../helpers/pos-factories';
import { clipboardText, describeInBrowser, focused, openBrowser, waitForCount, waitForFocus, type Browser } from './browser';

jest.setTimeout(60_000);

describeInBrowser('console: Settings → API in Chromium', () => {
  let h: Harness;
  let b: Browser;
  let page: Page;
  let orgId: string;
  let owner: { id: string; email: string; password: string };
  let key = '';

  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db, { name: 'Brasserie du Parc', edition: 'group' })).id;
    owner = await createUser(h.db, { orgId, role: 'owner', name: 'Olivia Owner' });
    await createProduit(h.db, orgId, { nom: 'Orval 33cl' });
    // An older key, made with the admin tool, so the list has more than the new one.
    await createApiKey(h.db, { orgId, scopes: ['read:tickets'], name: 'Power BI dashboard' });
    b = await openBrowser(h.baseUrl);
    page = b.page;
  });
  afterAll(async () => {
    await b?.close();
    await h?.close();
  });
  afterEach(() => {
    expect(b.problems).toEqual([]);
  });

  const keyRow = (name: string) => page.locator('tbody tr', { has: page.getByRole('rowheader', { name }) });
  async function signIn(p: Page, user: { email: string; password: string }) {
    await p.getByRole('heading', { name: 'Sign in to Aura' }).waitFor();
    await p.getByLabel('Email').fill(user.email);
    await p.getByLabel('Password').fill(user.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  }

  it('serves the page with a strict CSP and only local assets', async () => {
    const res = await page.goto('/console');
    expect(res!.status()).toBe(200);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("default-src 'none'");
    await page.getByRole('heading', { name: 'Sign in to Aura' }).waitFor();
    // Every script and stylesheet is ours.
    const assets = page.locator('script[src], link[href]');
    expect(await assets.count()).toBeGreaterThanOrEqual(3);
    for (const el of await assets.all()) {
      const url = (await el.getAttribute('src')) ?? (await el.getAttribute('href'));
      expect(new URL(url!, h.baseUrl).origin).toBe(h.baseUrl);
    }
    expect(await page.locator('script:not([src])').count()).toBe(0);
  });

  it('refuses a wrong password in words, then signs in from the keyboard', async () => {
    await b.screenshot('01-sign-in');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Invalid email or password');
    expect(await alert.innerText()).not.toMatch(/[{}]|"code"|UNAUTHORIZED/);
    await b.screenshot('02-sign-in-error');

    // Keyboard only: the password is selected after the error; type and press Enter.
    await page.getByLabel('Password').focus();
    await page.keyboard.type(owner.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    expect(page.url()).toMatch(/#\/keys$/);
    await expect(page.getByText('Olivia Owner').isVisible()).resolves.toBe(true);
    // The list shows the older key, made with the admin tool.
    await keyRow('Power BI dashboard').waitFor();
    expect(await keyRow('Power BI dashboard').innerText()).toMatch(/by the admin tool[\s\S]*Never used[\s\S]*Active/);
  });

  it('explains each scope, refuses a key without scopes in words, and creates a key with two scopes', async () => {
    await page.getByRole('button', { name: '+ New key' }).click();
    await page.getByRole('heading', { name: 'New key' }).waitFor();
    // Every scope of the spec is offered, with its one-line explanation wired to the checkbox.
    const catalogue = page.getByRole('checkbox', { name: 'read:catalogue' });
    expect(await catalogue.getAttribute('aria-describedby')).toBeTruthy();
    const describedBy = await catalogue.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toBe('products and families');
    for (const scope of ['read:clients', 'read:tickets', 'read:promotions', 'webhooks:read', 'webhooks:write', 'read:team', 'read:calls', 'read:booking_links', 'read:products', 'read:payments']) {
      await page.getByRole('checkbox', { name: scope }).waitFor();
    }
    // The partner scopes (seed 001) too, explained; choosing one raises the default rate limit shown.
    const leads = page.getByRole('checkbox', { name: 'read:leads' });
    expect(await page.locator(`[id="${await leads.getAttribute('aria-describedby')}"]`).innerText()).toBe('leads with their source, UTM and assignment');
    const rate = page.getByLabel('Rate limit (optional)');
    expect(await rate.getAttribute('placeholder')).toBe('60');
    await leads.check();
    expect(await rate.getAttribute('placeholder')).toBe('100');
    await leads.uncheck();
    expect(await rate.getAttribute('placeholder')).toBe('60');

    await page.getByLabel('Name').fill('Make.com ETL prod');
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Scopes: choose at least one');

    // An expiry in the past: the API's refusal, in words, next to the field.
    await page.getByLabel('Description (optional)').fill('Nightly export to BigQuery');
    await catalogue.check();
    await page.getByRole('checkbox', { name: 'read:clients' }).check();
    await page.getByLabel('Expires (optional)').fill('2020-01-01T10:00');
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByText('expires_at must be in the future').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Expires (optional): must be in the future');
    expect(await page.getByLabel('Expires (optional)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').innerText()).not.toMatch(/[{}]|VALIDATION_ERROR/);
    await b.screenshot('03-new-key-form');

    await page.getByLabel('Expires (optional)').fill('');
    await page.getByLabel('Rate limit (optional)').fill('120');
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByRole('heading', { name: 'Your new key “Make.com ETL prod”' }).waitFor();
    expect(await page.getByText('Copy it now: you will not see it again.', { exact: true }).isVisible()).toBe(true);
    key = await page.getByLabel('API key', { exact: true }).inputValue();
    expect(key).toMatch(/^ak_[0-9a-f]{64}$/);

    // Copy: the clipboard holds exactly the key shown.
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await clipboardText(page)).toBe(key);
    await b.screenshot('04-key-created');

    // "Done": the key leaves the page for good; the list has it, by its prefix only.
    await page.getByRole('button', { name: 'Done, I have copied it' }).click();
    expect(await page.content()).not.toContain(key);
    const row = keyRow('Make.com ETL prod');
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(`${key.slice(0, 11)}…`);
    expect(text).toMatch(/read:catalogue[\s\S]*read:clients/);
    expect(text).toContain('by you (Olivia Owner)');
    expect(text).toContain('Never used');
    expect(text).toContain('120 requests/min');
    // Focus is back on the button that opened the form.
    expect((await focused(page)).text).toBe('+ New key');
  });

  it('the copied key works on its scopes and only those', async () => {
    const whoami = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
    expect(whoami.body.scopes).toEqual(['read:catalogue', 'read:clients']);
    const produits = await h.api.get('/api/v1/produits').set('X-API-Key', key).expect(200);
    expect(produits.body.items.map((p: { nom: string }) => p.nom)).toContain('Orval 33cl');
    await h.api.get('/api/v1/clients').set('Authorization', `Bearer ${key}`).expect(200);
    const refused = await h.api.get('/api/v1/tickets').set('X-API-Key', key).expect(403);
    expect(refused.body.code).toBe('INSUFFICIENT_SCOPE');
    expect(refused.body.error).toContain('read:tickets');
  });

  it('shows the last use, revokes with confirmation (Cancel first, from the keyboard), and the key stops working', async () => {
    await page.reload();
    // The reload keeps the session (the CSRF token is in this tab's sessionStorage).
    const row = keyRow('Make.com ETL prod');
    await row.waitFor();
    expect(await row.innerText()).toContain('from 127.0.0.1');

    // Keyboard: focus Revoke, Enter opens the dialog with Cancel focused; Escape closes it.
    const revoke = page.getByRole('button', { name: 'Revoke key Make.com ETL prod' });
    await revoke.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke the key “Make.com ETL prod”?' });
    await dialog.waitFor();
    expect((await focused(page)).text).toBe('Cancel');
    await b.screenshot('05-revoke-confirmation');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await focused(page)).label).toBe('Revoke key Make.com ETL prod');
    await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);

    // Then for real.
    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('The key “Make.com ETL prod” is revoked').waitFor();
    const after = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(401);
    expect(after.body.error).toBe('The API key has been revoked');

    const text = await row.innerText();
    expect(text).toContain('Revoked');
    expect(text).toContain('from 127.0.0.1');
    expect(text).not.toContain('Never used');
    expect(await row.getByRole('button').count()).toBe(0);
    // The other key is untouched.
    expect(await keyRow('Power BI dashboard').innerText()).toContain('Active');
    await b.screenshot('06-key-list');
  });

  it('shows the audit log, filtered by action and by actor', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    // Moving to a screen moves the focus to its title.
    await waitForFocus(page, 'page-title');
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    const all = await page.locator('table.audit tbody').innerText();
    // The wrong password tried first is there too.
    for (const action of ['auth.login_failed', 'auth.login', 'api_key.created', 'api_key.revoked']) expect(all).toContain(action);
    expect(all).toContain('You (Olivia Owner)');
    expect(all).toContain('Key “Make.com ETL prod”');
    await b.screenshot('07-audit-log');

    await page.getByLabel('Action').fill('api_key.revoked');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForCount(page, 'table.audit tbody tr', 1);
    expect(await rows.first().innerText()).toMatch(/api_key\.revoked[\s\S]*Make\.com ETL prod/);
    expect(page.url()).toContain('action=api_key.revoked');
    await b.screenshot('08-audit-log-filtered');

    // Filters stay in the address: a reload shows the same view.
    await page.reload();
    await waitForCount(page, 'table.audit tbody tr', 1);
    expect(await page.getByLabel('Action').inputValue()).toBe('api_key.revoked');

    await page.getByLabel('Action').fill('');
    await page.getByLabel('Done by').selectOption('api_key');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No event matches these filters.').waitFor();

    await page.getByRole('button', { name: 'Clear' }).click();
    await waitForCount(page, 'table.audit tbody tr', 4);
  });

  it('an admin sees the keys but cannot create or revoke; a member is told why in words', async () => {
    const admin = await createUser(h.db, { orgId, role: 'admin', name: 'Adam Admin' });
    const member = await createUser(h.db, { orgId, role: 'member', name: 'Mia Member' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await signIn(page, admin);
    await keyRow('Power BI dashboard').waitFor();
    expect(await page.getByRole('button', { name: '+ New key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Revoke key/ }).count()).toBe(0);
    await page.getByText('Only owners create and revoke keys; you are admin.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, member);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('This needs the role owner or admin; you are member');
    expect(await alert.innerText()).toMatch(/Reference for support: \S+/);
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('a sign-in in another tab replaces the session: this tab asks to sign in again before a change', async () => {
    await signIn(page, owner);
    const other = await b.context.newPage();
    await other.goto('/console');
    await signIn(other, owner);
    await other.close();

    await page.getByRole('button', { name: '+ New key' }).click();
    await page.getByLabel('Name').fill('Zapier');
    await page.getByRole('checkbox', { name: 'read:clients' }).check();
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByText('You signed in again elsewhere in this browser. Sign in again here to continue.').waitFor();
    await signIn(page, owner);
    await keyRow('Power BI dashboard').waitFor();
    expect(await keyRow('Zapier').count()).toBe(0);
  });

  it('an ended session brings back the sign-in form', async () => {
    await h.db.query('UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Sign in to Aura' }).waitFor();
    await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
  });
});
