// Browser tests: Debian's chromium (apt), driven by playwright-core — no browser download.
// Each test file gets a fresh profile, and collects what must never happen on our pages: a script
// error, a CSP violation, a request to another origin.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { describeWhenInstalled } from './browser-required';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, 'screenshots');

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `describe`; when chromium is missing, a loud skip — or, under CI=true, a failure. */
export const describeInBrowser = describeWhenInstalled('chromium', CHROMIUM_PATH, 'apt-get install -y chromium');

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Script errors, CSP violations and foreign requests seen so far. */
  problems: string[];
  /** tests/browser/screenshots/<name>.png: the whole page, the viewport, or just `part`. */
  screenshot(name: string, part?: Locator | 'viewport'): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(baseUrl: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'aura-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: LAUNCH_ARGS,
    baseURL: baseUrl,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/Brussels',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const problems: string[] = [];
  const origin = new URL(baseUrl).origin;
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) problems.push(`request to another origin: ${url}`);
  });
  const watch = (page: Page) => {
    page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));
    page.on('console', (msg) => {
      const text = msg.text();
      // An HTTP error status answered to fetch() is logged by Chromium; it is not a page problem.
      if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
        problems.push(`console error: ${text}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    problems,
    async screenshot(name, part) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await (part && part !== 'viewport' ? part.screenshot({ path }) : page.screenshot({ path, fullPage: !part }));
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// In-page reads, as expressions: the tests are type-checked without the DOM library.

/** What the page's clipboard holds. */
export const clipboardText = (page: Page) => page.evaluate<string>('navigator.clipboard.readText()');

/** The focused element: its text, id and aria-label. */
export const focused = (page: Page) =>
  page.evaluate<{ text: string | null; id: string | null; label: string | null }>(
    '(() => { const e = document.activeElement; return { text: e?.textContent ?? null, id: e?.id || null, label: e?.getAttribute("aria-label") ?? null }; })()',
  );

/** Waits until exactly `count` elements match `selector` (polled: the CSP forbids eval in the page). */
export async function waitForCount(page: Page, selector: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = await page.locator(selector).count();
    if (seen === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected ${count} × ${selector}, saw ${seen} after ${timeoutMs} ms`);
}

/** Waits until the element with `id` has the focus (a screen focuses its title once its data is in). */
export async function waitForFocus(page: Page, id: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null = null;
  while (Date.now() < deadline) {
    seen = (await focused(page)).id;
    if (seen === id) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected #${id} to have the focus, it was ${seen ? `#${seen}` : 'elsewhere'} after ${timeoutMs} ms`);
}
