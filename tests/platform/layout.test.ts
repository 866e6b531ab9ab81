// The layout is the documentation: an operation is found by its operationId — its handler in
// handlers/<module>/<operationId>.ts (exporting a const of that name) and its tests in
// tests/<module>/<operationId>.test.ts, the same module folder. The plumbing in src/ never imports
// handlers/: only the entry points (the server, the worker, the CLI) wire the modules in.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { operationIds } from '../../generated/operations';

const root = join(__dirname, '../..');
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))]));

describe('layout', () => {
  const handlers = walk(join(root, 'handlers'));
  const tests = walk(join(root, 'tests'));

  it.each(operationIds.map((id) => [id]))('%s: one handler module and one test file, in the same module folder', (id) => {
    const handler = handlers.filter((f) => f.endsWith(`/${id}.ts`));
    expect(handler).toHaveLength(1);
    expect(readFileSync(join(root, handler[0]), 'utf8')).toMatch(new RegExp(`export const ${id}: Handler<'${id}'>`));
    const module = handler[0].split('/')[1];
    expect(tests.filter((f) => f.endsWith(`/${id}.test.ts`))).toEqual([`tests/${module}/${id}.test.ts`]);
  });

  const ENTRY_POINTS = /^src\/(server\.ts|worker\.ts|cli\/)/;
  it('the plumbing in src/ imports nothing from handlers/ (the entry points hand the modules in)', () => {
    const offenders = walk(join(root, 'src'))
      .filter((f) => f.endsWith('.ts') && !ENTRY_POINTS.test(f))
      .filter((f) => /from '(\.\.\/)+handlers(\/|')/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
    // And the rule has teeth: the server entry does import them.
    expect(readFileSync(join(root, 'src/server.ts'), 'utf8')).toMatch(/from '\.\.\/handlers'/);
  });
});
