// The console's webhook pages in a real browser, against a receiver on loopback (allowed by
// WEBHOOKS_ALLOW_INSECURE_URLS, tests only): create an endpoint (its secret shown once), send a
// test event that fails, see it in the delivery log, retry it once the receiver is back.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { clipboardText, describeInBrowser, openBrowser, waitForCount, type Browser } from './browser';

jest.setTimeout(60_000);

describeInBrowser('console: webhooks in Chromium', () => {
  let h: Harness;
  let b: Browser;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  /** The statuses the receiver answers next, then 200. */
  const answers: number[] = [];
  let secret = '';

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const status = answers.shift() ?? 200;
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'boom');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/aura`;

    h = await startHarness({ env: { WEBHOOKS_ALLOW_INSECURE_URLS: 'true' } });
    const orgId = (await createOrg(h.db, { name: 'Brasserie du Parc', edition: 'group' })).id;
    const admin = await createUser(h.db, { orgId, role: 'admin', name: 'Adam Admin' });
    b = await openBrowser(h.baseUrl);
    page = b.page;
    await page.goto('/console');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  });
  afterAll(async () => {
    await b?.close();
    await h?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });
  afterEach(() => {
    expect(b.problems).toEqual([]);
  });

  it('creates an endpoint and shows its signing secret once', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('No endpoint yet.').waitFor();
    await page.getByRole('button', { name: '+ New endpoint' }).click();

    // A refused URL is explained in words, next to the field.
    await page.getByLabel('URL').fill('ftp://example.com/hooks');
    await page.getByRole('checkbox', { name: 'ticket.created' }).check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/URL: must use https/);
    expect(await page.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('URL').fill(receiverUrl);
    await page.getByLabel('Description (optional)').fill('ERP sync');
    await page.getByRole('checkbox', { name: 'client.created' }).check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: `Endpoint created: ${receiverUrl}` }).waitFor();
    secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    expect(await clipboardText(page)).toBe(secret);
    await b.screenshot('12-webhook-created');
    await page.getByRole('button', { name: 'Done, I have copied it' }).click();
    expect(await page.content()).not.toContain(secret);

    const row = page.locator('table.webhooks tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/ERP sync[\s\S]*(client\.created[\s\S]*ticket\.created|ticket\.created[\s\S]*client\.created)[\s\S]*Active/);
    await b.screenshot('13-webhooks-list');
  });

  it('sends a test event and shows its failure, then retries it from the delivery log', async () => {
    await page.getByRole('link', { name: `Deliveries and test of ${receiverUrl}` }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }).waitFor();
    await page.getByText('Nothing sent yet.').waitFor();

    answers.push(500);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    const failed = page.getByText('Test failed:');
    await failed.waitFor();
    const outcome = await page.getByRole('alert').innerText();
    expect(outcome).toContain('HTTP 500');
    expect(outcome).toContain('Answer: boom');

    const rows = page.locator('table.deliveries tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toMatch(/webhook\.test[\s\S]*Failed[\s\S]*HTTP 500/);

    // The receiver is back: "Retry now" redelivers the same event (same webhook-id).
    await rows.first().getByRole('button', { name: /^Retry webhook\.test .* now$/ }).click();
    await page.getByText('Redelivered webhook.test: the endpoint answered HTTP 200.').waitFor();
    await rows.first().filter({ hasText: 'Delivered' }).waitFor();
    expect(received).toHaveLength(2);
    expect(received[1].headers['webhook-id']).toBe(received[0].headers['webhook-id']);
    // Signed with the secret shown once (Standard Webhooks).
    const payload = new Webhook(secret).verify(received[1].body, {
      'webhook-id': String(received[1].headers['webhook-id']),
      'webhook-timestamp': String(received[1].headers['webhook-timestamp']),
      'webhook-signature': String(received[1].headers['webhook-signature']),
    }) as { type: string };
    expect(payload.type).toBe('webhook.test');

    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByText(/Test delivered: the endpoint answered HTTP 200 in \d+ ms\./).waitFor();
    await waitForCount(page, 'table.deliveries tbody tr', 2);

    // The log's filter.
    await page.getByLabel('Show').selectOption('failed');
    await page.getByText('No delivery in this state.').waitFor();
    await page.getByLabel('Show').selectOption('');
    await waitForCount(page, 'table.deliveries tbody tr', 2);
    await b.screenshot('14-webhook-deliveries');
  });
});
