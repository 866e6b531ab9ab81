// What a browser test file does when its browser is missing: outside CI, skip with a loud message
// (a developer without chromium still gets the rest of the suite); under CI=true, FAIL — a CI run
// that silently skipped the browser tests would report green for code no browser ever ran.
import { existsSync } from 'node:fs';

export const inCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

type DescribeLike = (name: string, fn: () => void) => void;

/** `describe` when `path` exists; else a loud skip, or under CI one failing test saying why. */
export function describeWhenInstalled(browser: string, path: string, install: string): DescribeLike {
  if (existsSync(path)) return describe;
  const line = '!'.repeat(78);
  if (inCI) {
    const why = `${browser} is required under CI=true but ${path} is missing. Install it with: ${install} (make test's browser-deps does when apt can).`;
    return (name) => describe(name, () => it(`needs ${browser}`, () => { throw new Error(why); }));
  }
  // Straight to stderr: jest prints nothing a fully skipped file logs through console.
  process.stderr.write(`\n${line}\n!! ${browser.toUpperCase()} TESTS SKIPPED: ${path} is missing.\n!! Install it with: ${install}   (make test does this when apt can)\n${line}\n\n`);
  return (name, fn) => describe.skip(name, fn);
}
