// A second, independent generator: @hey-api/openapi-ts (0.95, the last release for Node 20) with
// its fetch client, run on the bundled spec into a temporary folder. It must finish without a
// warning, name a type after every component schema, and the result — with a small consumer that
// calls the API through it — must type-check with the repository's tsc, strict.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const spec = join(root, 'generated', 'openapi.json');
let dir: string;

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aura-hey-api-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('generates a client from generated/openapi.json without a warning, and it type-checks', async () => {
  // An absolute path: hey-api reads a relative "a/b" as a name in its online registry.
  expect(isAbsolute(spec)).toBe(true);
  const out = join(dir, 'client');
  const gen = await run(process.execPath, [join(root, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js'), '-i', spec, '-o', out, '-c', '@hey-api/client-fetch', '--no-log-file'], dir);
  expect({ code: gen.code, stderr: gen.stderr }).toEqual({ code: 0, stderr: '' });
  expect(gen.stdout).toMatch(/Done!/);
  expect(gen.stdout).not.toMatch(/warn|❗|🚨|⚠/i);

  const version = JSON.parse(readFileSync(join(root, 'node_modules', '@hey-api', 'openapi-ts', 'package.json'), 'utf8')).version as string;
  expect(version).toMatch(/^0\.95\./);

  // Readable type names: every component schema becomes a type of its own name.
  const types = readFileSync(join(out, 'types.gen.ts'), 'utf8');
  const schemas = Object.keys(JSON.parse(readFileSync(spec, 'utf8')).components.schemas as object);
  const unnamed = schemas.filter((name) => !new RegExp(`^export type ${name} =`, 'm').test(types));
  expect(unnamed).toEqual([]);

  // A partner's code against it: typed query, typed data and error, and a wrong call refused.
  writeFileSync(
    join(dir, 'consumer.ts'),
    `import { createClient } from './client/client/index.js';
import { getProduit, listTickets, type ErrorCode, type Ticket } from './client/index.js';

const client = createClient({ baseUrl: 'http://127.0.0.1:3000', headers: { 'X-API-Key': 'ak_0000' } });

export async function weekOfTickets(): Promise<Ticket[]> {
  const { data, error } = await listTickets({ client, query: { debut: '2026-05-10', fin: '2026-05-16', withLignes: true, limit: 200, offset: 0 } });
  if (error) {
    const code: ErrorCode = error.code;
    throw new Error(code);
  }
  return data?.items ?? [];
}

export async function oneProduct(id: string): Promise<number | undefined> {
  const { data } = await getProduit({ client, path: { id } });
  return data?.prix_ttc;
}

export function wrong(): void {
  // @ts-expect-error limit is an integer
  void listTickets({ client, query: { limit: 'ten' } });
  // @ts-expect-error the path parameter is required
  void getProduit({ client });
}
`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2023', 'DOM'],
        types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
        strict: true, noEmit: true, skipLibCheck: false, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true,
      },
      include: ['client', 'consumer.ts'],
    }),
  );
  const tsc = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
  expect({ code: tsc.code, output: tsc.stdout + tsc.stderr }).toEqual({ code: 0, output: '' });

  const files = filesUnder(out);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const lines = files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
  console.log(
    `@hey-api/openapi-ts ${version}: ${files.length} files, ${bytes.toLocaleString('en')} bytes, ${lines.toLocaleString('en')} lines\n` +
      files.map((f) => `  ${relative(out, f)} ${statSync(f).size.toLocaleString('en')} B`).join('\n'),
  );
}, 180_000);
