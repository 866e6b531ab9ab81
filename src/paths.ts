import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from this file whether run from src/ (tsx, jest) or dist/src/. */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'openapi.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`openapi.yaml not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRoot(__dirname);
export const migrationsDir = join(repoRoot, 'sql', 'migrations');
export const bundledSpecPath = join(repoRoot, 'generated', 'openapi.json');
export const specYamlPath = join(repoRoot, 'openapi.yaml');

/** The API version, from package.json (read, not imported, so dist/ has no copy of it). */
export const apiVersion: string = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
