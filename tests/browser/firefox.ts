// Firefox: Debian's firefox-esr (apt), driven by puppeteer-core over WebDriver BiDi — the stock
// browser, no download (playwright-core only drives its own patched Firefox builds). Like
// browser.ts, it records what must never happen on our pages: script errors, console errors.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { describeWhenInstalled } from './browser-required';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** `describe`; when firefox-esr is missing, a loud skip — or, under CI=true, a failure. */
export const describeInFirefox = describeWhenInstalled('firefox-esr', FIREFOX_PATH, 'apt-get install -y firefox-esr');

export interface Firefox {
  browser: Browser;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

export async function openFirefox(): Promise<Firefox> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`script error: ${(err as Error).message}`));
  page.on('console', (msg) => {
    // An HTTP error status answered to fetch() may be logged by the browser; it is not a page problem.
    if (msg.type() === 'error' && !/\b4\d\d\b/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
  });
  return { browser, page, problems, close: () => browser.close() };
}

/** Waits for an element whose text (trimmed) is `text`, under `selector`. */
export function byText(page: Page, selector: string, text: string) {
  return page.waitForSelector(`${selector}::-p-text(${JSON.stringify(text)})`, { timeout: 15_000 });
}
