// The console's Approvals page in a real browser, against the real approvals API (#18): an admin
// sees a project's pending requests with the patch and its dry-run (count, samples before → after),
// approves one, rejects another with a comment (the database shows both decisions); a request
// decided elsewhere meanwhile is a 409 in words; the requester cannot decide their request but
// may withdraw it, and a developer sees nothing to press on a request only admins and owners decide. The steps run in order and share the page.
import type { Page } from 'playwright-core';
import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { addProjectMember, createProject, insertApprovalRow, insertConnectionRow } from '../helpers/ops-factories';
import { insertDryRunPatch } from './approvals-fixture';
import { describeInBrowser, openBrowser, waitForCount, waitForFocus, type Browser } from './browser';

jest.setTimeout(60_000);

describeInBrowser('console: approvals in Chromium', () => {
  let h: Harness;
  let b: Browser;
  let page: Page;
  let orgId: string;
  let adam: { id: string; email: string; password: string };
  let olga: { id: string; email: string; password: string };
  let rita: { id: string; email: string; password: string };
  let shopId: string;
  let prodId: string;
  const requests: Record<'carts' | 'purge' | 'prices' | 'own', { id: string; patchId: string }> = {} as never;

  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db, { name: 'Brasserie du Parc', edition: 'group' })).id;
    adam = await createUser(h.db, { orgId, role: 'admin', name: 'Adam Admin' });
    olga = await createUser(h.db, { orgId, role: 'owner', name: 'Olga Owner' });
    // The requester: a developer of the project (who wrote and tried to execute the patches).
    rita = await createUser(h.db, { orgId, role: 'member', name: 'Rita Requester' });
    const shop = await createProject(h.db, orgId, { name: 'Webshop' });
    shopId = shop.id;
    await createProject(h.db, orgId, { name: 'Accounting' });
    await addProjectMember(h.db, orgId, shop.id, rita.id, 'developer');
    const prod = await insertConnectionRow(h.db, orgId, shop.id, { name: 'Shop (production)', environment: 'production' });
    prodId = prod.id;
    const at = { orgId, projectId: shop.id, connectionId: prod.id, createdBy: rita.id };

    const carts = await insertDryRunPatch(h.db, at, {
      name: 'Close abandoned carts',
      table: 'public.carts',
      set: { status: 'abandoned' },
      where: "status = 'open' AND updated_at < '2026-01-01'",
      affectedRows: 1240,
      samples: [17, 18, 21].map((id) => ({
        pk: { id },
        before: { id, status: 'open', total: 12.5, note: null },
        after: { id, status: 'abandoned', total: 12.5, note: null },
      })),
    });
    const purge = await insertDryRunPatch(h.db, at, {
      name: 'Purge test orders',
      table: 'public.orders',
      operation: 'delete',
      where: "email LIKE '%@example.test'",
      affectedRows: 2,
      samples: [{ pk: { id: 5 }, before: { id: 5, email: 'qa@example.test' }, after: null }, { pk: { id: 9 }, before: { id: 9, email: 'dev@example.test' }, after: null }],
    });
    const prices = await insertDryRunPatch(h.db, at, { name: 'Raise beer prices', table: 'public.products', set: { price: 4.2 }, where: "category = 'beer'", affectedRows: 12, samples: [] });
    const own = await insertDryRunPatch(h.db, at, { name: 'Fix VAT codes', table: 'public.products', set: { vat: 21 }, where: "vat = 12 AND category = 'wine'", affectedRows: 3, samples: [] });
    for (const [key, patch] of Object.entries({ carts, purge, prices, own })) {
      const req = await insertApprovalRow(h.db, orgId, shop.id, patch.id, { requestedBy: { type: 'user', id: rita.id }, affectedRows: patch.affected_rows });
      requests[key as keyof typeof requests] = { id: req.id, patchId: patch.id };
    }
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

  const card = (name: string) => page.getByRole('region', { name });
  async function signInAt(user: { email: string; password: string }) {
    await page.goto('/console#/approvals');
    await page.getByRole('heading', { name: 'Sign in to Aura' }).waitFor();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
  }
  async function inDatabase(id: string) {
    const { rows } = await h.db.query<{ status: string; decided_at: Date | null; patch_status: string }>(
      'SELECT r.status, r.decided_at, p.status AS patch_status FROM approval_requests r JOIN patches p ON p.id = r.patch_id WHERE r.id = $1', [id]);
    const decisions = await h.db.query<{ user_id: string; decision: string; comment: string | null }>(
      'SELECT user_id, decision, comment FROM approval_decisions WHERE request_id = $1', [id]);
    return { ...rows[0], decisions: decisions.rows };
  }

  it('shows a project’s pending approvals with the patch, the dry-run count and the samples', async () => {
    await signInAt(adam);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Approvals' }).getAttribute('aria-current')).toBe('page');
    // Another project: nothing waits there.
    await page.getByLabel('Project').selectOption({ label: 'Accounting' });
    await page.getByText('Nothing waits for approval in Accounting.').waitFor();
    await page.getByLabel('Project').selectOption({ label: 'Webshop' });
    await waitForCount(page, 'section.approval', 4);

    const carts = card('Close abandoned carts');
    const text = await carts.innerText();
    expect(text).toContain('production');
    expect(text).toContain('Shop (production)');
    expect(text).toContain('UPDATE public.carts');
    expect(text).toContain("status = 'abandoned'");
    expect(text).toMatch(/status = 'open'.*updated_at < '2026-01-01'/);
    expect(text).toMatch(/Requested by\s+Rita Requester/);
    expect(text).toMatch(/Approvals\s+0 of 1/);
    expect(text).toMatch(/Expires\s+\d+ \w+ \d{4}, \d\d:\d\d/);
    expect(text).toContain('Dry-run: 1,240 rows would change. The first 3 are shown.');

    // The samples: one row per key, the changed column before → after, the others as they are.
    const samples = carts.getByRole('table', { name: 'Sample rows of Close abandoned carts: before → after' });
    expect(await samples.getByRole('row').count()).toBe(4);
    const row17 = samples.getByRole('row', { name: /^17\b/ });
    expect(await row17.locator('td.changed').count()).toBe(1);
    expect(await row17.locator('td.changed del').innerText()).toContain('open');
    expect(await row17.locator('td.changed ins').innerText()).toContain('abandoned');
    // The changed column first, then the others.
    expect(await samples.getByRole('columnheader').allInnerTexts()).toEqual(['id', 'status', 'note', 'total']);
    expect(await row17.getByRole('cell').allInnerTexts()).toEqual([expect.stringMatching(/open[\s\S]*abandoned/), 'NULL', '12.5']);

    // A delete's samples are struck through.
    const purge = card('Purge test orders');
    expect(await purge.innerText()).toContain('DELETE FROM public.orders');
    expect(await card('Raise beer prices').innerText()).toMatch(/price = 4\.2[\s\S]*Dry-run: 12 rows would change\. It recorded no sample rows\./);
    expect(await purge.locator('tr.deleted').count()).toBe(2);
    await b.screenshot('20-approvals');
  });

  it('approves a request: it leaves the list, the database has the decision', async () => {
    await card('Close abandoned carts').getByRole('button', { name: 'Approve Close abandoned carts' }).click();
    await page.locator('#main').getByText('“Close abandoned carts” is approved: it may now run.').waitFor();
    await page.locator('#announcer', { hasText: '“Close abandoned carts” is approved: it may now run.' }).waitFor({ state: 'attached' });
    await waitForCount(page, 'section.approval', 3);
    await waitForFocus(page, 'pending-title');
    expect(await card('Close abandoned carts').count()).toBe(0);

    const db = await inDatabase(requests.carts.id);
    expect(db).toMatchObject({ status: 'approved', patch_status: 'approved', decisions: [{ user_id: adam.id, decision: 'approve', comment: null }] });
    expect(db.decided_at).toBeInstanceOf(Date);
  });

  it('rejects a request with a comment, after confirming', async () => {
    const purge = card('Purge test orders');
    await purge.getByLabel('Comment (optional)').fill('Keep the QA orders until the audit is done.');
    await purge.getByRole('button', { name: 'Reject Purge test orders' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reject “Purge test orders”?' });
    // Cancel first: nothing is decided.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await inDatabase(requests.purge.id)).status).toBe('pending');

    await purge.getByRole('button', { name: 'Reject Purge test orders' }).click();
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.locator('#main').getByText('“Purge test orders” is rejected: it will not run in this version.').waitFor();
    await page.locator('#announcer', { hasText: '“Purge test orders” is rejected' }).waitFor({ state: 'attached' });
    await waitForCount(page, 'section.approval', 2);

    expect(await inDatabase(requests.purge.id)).toMatchObject({
      status: 'rejected',
      patch_status: 'draft',
      decisions: [{ user_id: adam.id, decision: 'reject', comment: 'Keep the QA orders until the audit is done.' }],
    });
  });

  it('says so when the request was decided elsewhere meanwhile (409) and refreshes the list', async () => {
    // Olga approves it through the API while Adam's page still shows it.
    const olgaSession = await signIn(h.api, olga);
    await h.api.patch(`/api/v1/approvals/${requests.prices.id}`).set('Cookie', olgaSession.cookie).set('X-CSRF-Token', olgaSession.csrf)
      .send({ decision: 'approve' }).expect(200);

    await card('Raise beer prices').getByRole('button', { name: 'Approve Raise beer prices' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('This approval request is approved: it takes no more decisions');
    await waitForCount(page, 'section.approval', 1);
    expect((await inDatabase(requests.prices.id)).decisions).toEqual([{ user_id: olga.id, decision: 'approve', comment: null }]);
  });

  it('offers no decision to whom the API would refuse: the requester, and a role outside the approver roles', async () => {
    // Olga asks for another change; Rita, a developer, may not decide it (admins and owners only).
    const stock = await insertDryRunPatch(h.db, { orgId, projectId: shopId, connectionId: prodId, createdBy: olga.id },
      { name: 'Reset stock counts', table: 'public.products', set: { stock: 0 }, where: "category = 'seasonal'", affectedRows: 8, samples: [] });
    await insertApprovalRow(h.db, orgId, shopId, stock.id, { requestedBy: { type: 'user', id: olga.id }, affectedRows: 8 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await signInAt(rita);
    const own = card('Fix VAT codes');
    await own.waitFor();
    expect(await own.innerText()).toMatch(/Requested by\s+you \(Rita Requester\)/);
    expect(await own.innerText()).toContain('You requested this: another approver must decide it.');
    const other = card('Reset stock counts');
    expect(await other.innerText()).toContain('Your project role (developer) cannot decide this request: it needs one of owner, admin.');
    await b.screenshot('21-approval-own-request');
    // Nothing to decide on either; on her own, only a way to withdraw it.
    expect(await own.getByRole('button').allInnerTexts()).toEqual(['Withdraw request']);
    expect(await other.getByRole('button').count()).toBe(0);
    expect(await inDatabase(requests.own.id)).toMatchObject({ status: 'pending', patch_status: 'pending_approval', decisions: [] });
  });

  it('lets the requester withdraw their request, after confirming: cancelled, the patch a draft again', async () => {
    const own = card('Fix VAT codes');
    await own.getByRole('button', { name: 'Withdraw the request for Fix VAT codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw the request for “Fix VAT codes”?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await inDatabase(requests.own.id)).status).toBe('pending');

    await own.getByRole('button', { name: 'Withdraw the request for Fix VAT codes' }).click();
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await page.locator('#main').getByText('Your request for “Fix VAT codes” is withdrawn: the patch is a draft again.').waitFor();
    await waitForCount(page, 'section.approval', 1);
    expect(await card('Fix VAT codes').count()).toBe(0);
    expect(await inDatabase(requests.own.id)).toMatchObject({ status: 'cancelled', patch_status: 'draft', decisions: [] });
  });
});
