// `make start` builds only what is out of date (issue 12, item 10): this Makefile's `make build` runs
// in a scratch tree of stand-ins whose modification times the test sets; the generator, tsc and npm
// are stubs that only log that they ran. (Not `make -n`: GNU make 4.3's dry run does not propagate
// a grouped target's rebuild to what depends on it, though a real run does.)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const INPUTS = [
  'package.json', 'package-lock.json', 'openapi.yaml', 'openapi/paths/pos/produits.yaml', 'openapi/components/schemas/Produit.yaml',
  'scripts/generate.mjs', 'scripts/generate-graphql.mjs', 'scripts/openapi-typescript.redocly.yaml', 'tsconfig.json', 'tsconfig.build.json',
  'src/server.ts', 'src/db/pool.ts', 'handlers/pos/listProduits.ts',
];
const INSTALLED = 'node_modules/.package-lock.json';
const GENERATED = ['generated/openapi.json', 'generated/openapi-types.ts', 'generated/operations.ts', 'generated/error-codes.ts', 'generated/schema.graphql', 'generated/graphql-map.ts'];
const BUILT = 'dist/src/server.js';

describe('make build (what make start runs first)', () => {
  let dir: string;
  const T0 = 1_700_000_000;
  const at = (file: string, seconds: number) => utimesSync(join(dir, file), seconds, seconds);
  /** Runs `make build`; returns the stubs that ran, in order. */
  const plan = () => {
    rmSync(join(dir, 'ran.log'), { force: true });
    execFileSync('make', ['-s', 'build'], { cwd: dir, env: { ...process.env, PATH: `${join(dir, 'stub-bin')}:${process.env.PATH}` } });
    return existsSync(join(dir, 'ran.log')) ? readFileSync(join(dir, 'ran.log'), 'utf8') : '';
  };
  const stub = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
    chmodSync(join(dir, file), 0o755);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aura-make-'));
    copyFileSync(join(root, 'Makefile'), join(dir, 'Makefile'));
    for (const file of [...INPUTS, INSTALLED, ...GENERATED, BUILT]) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), file.endsWith('.json') ? '{}' : ''); // node reads the package.json near the scripts it runs
    }
    stub('scripts/generate.mjs', "import { appendFileSync } from 'node:fs';\nappendFileSync('ran.log', 'node scripts/generate.mjs\\n');\n");
    stub('node_modules/.bin/tsc', '#!/bin/sh\nmkdir -p dist/src\necho "tsc $*" >> ran.log\n');
    stub('stub-bin/npm', '#!/bin/sh\necho "npm $*" >> ran.log\n');
    // Installed after the lockfile, generated after the spec, built after everything.
    for (const file of INPUTS) at(file, T0);
    at(INSTALLED, T0 + 10);
    for (const file of GENERATED) at(file, T0 + 20);
    at(BUILT, T0 + 30);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('does nothing when everything is up to date (a restart)', () => {
    expect(plan()).toBe('');
  });

  it('does nothing the second time after a rebuild', () => {
    at('src/server.ts', T0 + 100);
    expect(plan()).toBe('tsc -p tsconfig.build.json\n');
    expect(plan()).toBe('');
  });

  it('regenerates, then recompiles, after an edit of the spec (any file under openapi/ or openapi.yaml)', () => {
    at('openapi/components/schemas/Produit.yaml', T0 + 100);
    expect(plan()).toBe('node scripts/generate.mjs\ntsc -p tsconfig.build.json\n');
    at('openapi.yaml', Date.now() / 1000 + 100);
    expect(plan()).toBe('node scripts/generate.mjs\ntsc -p tsconfig.build.json\n');
  });

  it('recompiles without regenerating after an edit of the code', () => {
    at('handlers/pos/listProduits.ts', T0 + 100);
    expect(plan()).toBe('tsc -p tsconfig.build.json\n');
  });

  it('generates and builds what is missing (a fresh clone has no dist/)', () => {
    rmSync(join(dir, 'generated', 'operations.ts'));
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(plan()).toBe('node scripts/generate.mjs\ntsc -p tsconfig.build.json\n');
  });

  it('reinstalls, regenerates and recompiles after a lockfile change', () => {
    at('package-lock.json', T0 + 100);
    expect(plan()).toBe('npm ci --no-audit --no-fund\nnode scripts/generate.mjs\ntsc -p tsconfig.build.json\n');
  });
});
