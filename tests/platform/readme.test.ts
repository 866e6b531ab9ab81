// The README's configuration table stays true: every variable the server reads is in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

it('every environment variable src/config.ts reads is documented under "Configuration" in the README', () => {
  const source = readFileSync(join(root, 'src/config.ts'), 'utf8');
  const read = new Set([...source.matchAll(/env(?:, |\.|\[)'?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
  expect(read.size).toBeGreaterThan(20); // the pattern still finds them
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  expect([...read].filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
});
