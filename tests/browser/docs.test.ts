// /docs in a real browser: "Authorize" with each API-key scheme, then "Try it out" on
// GET /api/v1/produits reaches this very server and shows a 200 with the products.
import type { Page } from 'playwright-core';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { createProduit } from '../helpers/pos-factories';
import { describeInBrowser, openBrowser, type Browser } from './browser';

jest.setTimeout(60_000);

describeInBrowser('/docs: Swagger UI in Chromium', () => {
  let h: Harness;
  let b: Browser;
  let page: Page;
  let key: string;

  beforeAll(async () => {
    h = await startHarness();
    const orgId = (await createOrg(h.db, { edition: 'group' })).id;
    key = (await createApiKey(h.db, { orgId, scopes: ['read:catalogue'], name: 'Swagger try-out' })).key;
    await createProduit(h.db, orgId, { nom: 'Orval 33cl' });
    await createProduit(h.db, orgId, { nom: 'Westmalle Tripel' });
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

  const operation = () => page.locator('#operations-Catalogue-listProduits');

  const authorizeButton = () => page.locator('.scheme-container button.authorize:not(.modal-btn)');
  /** The "Available authorizations" section of one scheme (matched on its exact name). */
  const section = (scheme: string) =>
    page.locator('.modal-ux .auth-container').filter({ has: page.locator('h4 > code', { hasText: new RegExp(`^${scheme}$`) }) });

  /** Opens "Authorize", fills one scheme's value, applies it, closes the dialog. */
  async function authorize(scheme: 'ApiKeyHeader' | 'BearerAuth', value: string, screenshot?: string) {
    await authorizeButton().click();
    const s = section(scheme);
    await s.locator('input').fill(value);
    await s.getByRole('button', { name: 'Apply credentials' }).click();
    await s.getByRole('button', { name: 'Remove authorization' }).waitFor();
    if (screenshot) await b.screenshot(screenshot, page.locator('.modal-ux-inner'));
    await s.getByRole('button', { name: 'Close' }).click();
    await page.locator('.modal-ux').waitFor({ state: 'detached' });
  }

  /** "Execute", and the live response: its status, its body as shown, and the URL called. */
  async function execute(): Promise<{ status: string; body: string; url: string }> {
    const op = operation();
    const clear = op.locator('button.btn-clear');
    if (await clear.count()) {
      await clear.click();
      await op.locator('.live-responses-table').waitFor({ state: 'detached' });
    }
    await op.locator('button.execute').click();
    const live = op.locator('.live-responses-table tbody tr.response');
    await live.waitFor();
    return {
      status: (await live.locator('.response-col_status').innerText()).trim(),
      body: await live.locator('.response-col_description').innerText(),
      url: await op.locator('.request-url pre').innerText(),
    };
  }

  it('loads the spec with this server first in "Servers", from local assets only', async () => {
    const res = await page.goto('/docs');
    expect(res!.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').waitFor();
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Aura API');
    const servers = page.locator('.servers select');
    expect(await servers.inputValue()).toBe(h.baseUrl);
    await operation().waitFor();
    await b.screenshot('09-docs', 'viewport');
  });

  it('authorizes with X-API-Key and "Try it out" on GET /api/v1/produits answers 200 with the products', async () => {
    await authorize('ApiKeyHeader', key, '10-docs-authorize');

    await operation().locator('.opblock-summary').first().click();
    const tryIt = operation().getByRole('button', { name: 'Try it out' });
    if (await tryIt.count()) await tryIt.click();
    // Try-it-out pre-fills parameters from the spec's examples; a date filter is not wanted here.
    const since = operation().locator('tr[data-param-name="updated_since"] input');
    if (await since.count()) await since.fill('');
    const { status, body, url } = await execute();
    expect(status).toBe('200');
    expect(url.startsWith(`${h.baseUrl}/api/v1/produits`)).toBe(true);
    expect(body).toContain('Orval 33cl');
    expect(body).toContain('Westmalle Tripel');
    await b.screenshot('11-docs-try-it-out', operation());
    // The key was used: its last use is recorded.
    const { rows } = await h.db.query('SELECT last_used_at FROM api_keys WHERE name = $1', ['Swagger try-out']);
    expect(rows[0].last_used_at).not.toBeNull();
  });

  it('"Try it out" leaves the optional filters empty, their examples shown in the description', async () => {
    const tickets = page.locator('#operations-Tickets-listTickets');
    await tickets.locator('.opblock-summary').first().click();
    const tryIt = tickets.getByRole('button', { name: 'Try it out' });
    if (await tryIt.count()) await tryIt.click();
    const field = (name: string) => tickets.locator(`tr[data-param-name="${name}"] input`);
    await field('updated_since').waitFor();
    for (const name of ['updated_since', 'debut', 'fin']) expect(await field(name).inputValue()).toBe('');
    expect(await tickets.locator('tr[data-param-name="debut"]').innerText()).toContain('Example: 2026-05-10');
    // A boolean filter's select stays on "--" (unset) too.
    expect(await operation().locator('tr[data-param-name="actif"] select').inputValue()).toBe('');
  });

  it('also works with Authorization: Bearer, and shows a 401 without a key', async () => {
    // Log out of the X-API-Key scheme, authorize with Bearer.
    await authorizeButton().click();
    await section('ApiKeyHeader').getByRole('button', { name: 'Remove authorization' }).click();
    await section('ApiKeyHeader').getByRole('button', { name: 'Close' }).click();

    let result = await execute();
    expect(result.status).toBe('401');
    expect(result.body).toContain('UNAUTHORIZED');

    await authorize('BearerAuth', key);
    result = await execute();
    expect(result.status).toBe('200');
    expect(result.body).toContain('Orval 33cl');
  });
});
