// Without its browser, a browser test skips loudly on a developer's machine, but FAILS under
// CI=true — both in `make test`'s browser-deps step and in jest itself — so CI cannot report green
// for screens no browser ran. Browsers are made "missing" by pointing CHROMIUM_PATH/FIREFOX_PATH
// at nothing, and apt "unusable" by a PATH without it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const MISSING = { CHROMIUM_PATH: '/nonexistent/chromium', FIREFOX_PATH: '/nonexistent/firefox-esr' };

async function exec(file: string, args: string[], env: Record<string, string | undefined>) {
  try {
    const r = await run(file, args, { cwd: ROOT, env: env as NodeJS.ProcessEnv, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('make browser-deps without browsers and without apt', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'aura-noapt-'));
    symlinkSync('/usr/bin/id', join(bin, 'id')); // the recipe's one external command besides apt/sudo
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const make = (ci: string | undefined) => exec('/usr/bin/make', ['-s', 'browser-deps'], { PATH: bin, HOME: tmpdir(), ...MISSING, CI: ci });

  it('under CI=true: fails, saying why', async () => {
    const r = await make('true');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/ERROR: chromium firefox-esr missing and apt-get is not usable here — CI=true needs the browser tests/);
  });

  it('outside CI: warns loudly and lets the run go on', async () => {
    const r = await make(undefined);
    expect(r).toEqual({ code: 0, out: expect.stringMatching(/WARNING: chromium firefox-esr missing .*: those browser tests will be skipped/) });
  });
});

describe('a browser test file without its browser', () => {
  // A nested jest on one browser file (its own global setup; DATABASE_URL as this run has it).
  const jest = (ci: string | undefined) => {
    const env: Record<string, string | undefined> = { ...process.env, ...MISSING, CI: ci, JEST_WORKER_ID: undefined };
    return exec(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), 'tests/browser/docs.test.ts', 'tests/browser/firefox.test.ts'], env);
  };

  it('under CI=true: fails, naming the missing browser; outside CI: skipped with a loud message', async () => {
    const [inCi, outside] = await Promise.all([jest('true'), jest(undefined)]);
    expect(inCi.code).toBe(1);
    expect(inCi.out).toContain('chromium is required under CI=true but /nonexistent/chromium is missing');
    expect(inCi.out).toContain('firefox-esr is required under CI=true but /nonexistent/firefox-esr is missing');
    expect(inCi.out).toMatch(/Tests: +2 failed, 2 total/);
    expect(outside.code).toBe(0);
    expect(outside.out).toContain('CHROMIUM TESTS SKIPPED: /nonexistent/chromium is missing');
    expect(outside.out).toContain('FIREFOX-ESR TESTS SKIPPED: /nonexistent/firefox-esr is missing');
    expect(outside.out).toMatch(/Tests: +\d+ skipped, \d+ total/);
  }, 180_000);
});
