// The owner's main journey in Firefox (the console must work in current Chromium and Firefox;
// console.test.ts covers every detail in Chromium): sign in, create a key with two scopes, read
// it once, use it, revoke it with confirmation, and the API refuses it.
import { createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { byText, describeInFirefox, openFirefox, type Firefox } from './firefox';

jest.setTimeout(90_000);

describeInFirefox('console in Firefox', () => {
  let h: Harness;
  let ff: Firefox;
  let owner: { email: string; password: string };

  beforeAll(async () => {
    h = await startHarness();
    const orgId = (await createOrg(h.db, { name: 'Brasserie du Parc', edition: 'group' })).id;
    owner = await createUser(h.db, { orgId, role: 'owner', name: 'Olivia Owner' });
    ff = await openFirefox();
  });
  afterAll(async () => {
    await ff?.close();
    await h?.close();
  });

  it('signs in, creates a key shown once, and revokes it; the API follows', async () => {
    const { page } = ff;
    expect(await ff.browser.version()).toMatch(/^firefox\//i);
    await page.goto(`${h.baseUrl}/console`);
    await page.waitForSelector('input[name="email"]');
    await page.type('input[name="email"]', owner.email);
    await page.type('input[name="password"]', owner.password);
    await page.keyboard.press('Enter');
    await byText(page, 'h1', 'API keys');

    await page.click('button[aria-controls="new-key-panel"]');
    await page.waitForSelector('#new-key-panel input[name="name"]');
    await page.type('#new-key-panel input[name="name"]', 'Shop sync');
    await page.click('input[name="scopes"][value="read:catalogue"]');
    await page.click('input[name="scopes"][value="read:clients"]');
    await page.click('#new-key-panel button[type="submit"]');
    await byText(page, 'strong', 'Copy it now: you will not see it again.');
    const key = await page.$eval('#new-key-panel input.secret', (el) => (el as unknown as { value: string }).value);
    expect(key).toMatch(/^ak_[0-9a-f]{64}$/);

    await h.api.get('/api/v1/produits').set('X-API-Key', key).expect(200);
    expect((await h.api.get('/api/v1/tickets').set('X-API-Key', key).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');

    await (await byText(page, '#new-key-panel button', 'Done, I have copied it'))!.click();
    const revoke = await page.waitForSelector('button[aria-label="Revoke key Shop sync"]');
    await revoke!.click();
    await page.waitForSelector('dialog[open]');
    await (await byText(page, 'dialog button', 'Revoke key'))!.click();
    await byText(page, 'p', 'The key “Shop sync” is revoked: requests made with it are now refused.');
    expect((await h.api.get('/api/v1/produits').set('X-API-Key', key).expect(401)).body.error).toBe('The API key has been revoked');
    expect(await page.content()).not.toContain(key);
    expect(ff.problems).toEqual([]);
  });
});
