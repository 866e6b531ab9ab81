// One event catalogue: adding an event type is its entry in the spec's `webhooks:` section and one
// SQL render function in its module — nothing else. Shown for real: in a scratch copy of this
// checkout, a throwaway type `famille.created` is added in exactly those two places, `make
// generate` runs, that copy's server boots on a database of its own, and a subscriber receives the
// event signed, rendered at commit, matching the payload schema the spec gives it. Then it is all
// removed.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import pg from 'pg';
import { repoRoot } from '../../src/paths';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';
import { createApiKey, createOrg } from '../helpers/factories';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { startReceiver, verifySignature, type Receiver } from './support';

/** What an event type's author writes: the spec entry… */
const SPEC_ENTRY = `# The event type \`famille.created\` (a throwaway added by tests/webhooks/event-catalogue.test.ts).
x-required-scope: read:catalogue
x-render-function: pos_famille_by_id
post:
  operationId: familleCreatedEvent
  tags: [Webhooks]
  summary: famille.created
  description: |
    A product family was created.

    POSTed to every active subscription listing \`famille.created\`, signed (Standard Webhooks v1).
  security: []
  parameters:
    - $ref: ./headers/webhook-id.yaml
    - $ref: ./headers/webhook-timestamp.yaml
    - $ref: ./headers/webhook-signature.yaml
  requestBody:
    required: true
    content:
      application/json:
        schema:
          type: object
          description: The payload of \`famille.created\`.
          required: [id, type, timestamp, data]
          additionalProperties: false
          properties:
            id:
              $ref: ../../../components/schemas/webhooks/WebhookEventId.yaml
            type:
              type: string
              const: famille.created
              description: The event type.
            timestamp:
              type: string
              format: date-time
              description: When the change was made (RFC 3339, UTC).
            data:
              $ref: ../../../components/schemas/pos/Famille.yaml
  responses:
    '200':
      description: Acknowledged; any 2xx status does.
`;

/** …and the render function in its module. */
const RENDER_FUNCTION = `CREATE OR REPLACE FUNCTION pos_famille_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT pos_famille_json(f) FROM familles f WHERE f.org_id = p_org AND f.id = p_id
$$;
`;

/** The checkout's files that make the server and `make generate` (node_modules is linked). */
const COPIED = ['openapi.yaml', 'redocly.yaml', 'package.json', 'tsconfig.json', 'openapi', 'scripts', 'sql', 'src', 'handlers', 'generated'];

function snapshot(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('node_modules'));
  return new Map(files.map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

describe('adding an event type: the spec entry and one render function', () => {
  let copy: string;
  let database: TestDatabase;
  let db: pg.Pool;
  let server: ServerProcess | undefined;
  let receiver: Receiver;
  let changed: string[];

  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'aura-event-catalogue-'));
    for (const name of COPIED) cpSync(join(repoRoot, name), join(copy, name), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const before = snapshot(copy);

    // The two places.
    const spec = readFileSync(join(copy, 'openapi.yaml'), 'utf8');
    const anchor = '\nwebhooks:\n';
    expect(spec).toContain(anchor);
    writeFileSync(join(copy, 'openapi.yaml'), spec.replace(anchor, `${anchor}  famille.created:\n    $ref: openapi/paths/webhooks/events/famille.created.yaml\n`));
    writeFileSync(join(copy, 'openapi/paths/webhooks/events/famille.created.yaml'), SPEC_ENTRY);
    writeFileSync(join(copy, 'sql/functions/pos/famille-events.sql'), RENDER_FUNCTION);
    // `make generate`, then `make lint`'s spec check.
    execFileSync(process.execPath, ['scripts/generate.mjs'], { cwd: copy, stdio: 'pipe' });
    execFileSync(join(copy, 'node_modules/.bin/redocly'), ['lint', 'openapi.yaml'], { cwd: copy, stdio: 'pipe' });

    const after = snapshot(copy);
    changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();

    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 2 }));
    receiver = await startReceiver();
    server = await spawnServer({
      cwd: copy,
      databaseUrl: database.url,
      env: { NODE_ENV: 'test', WEBHOOKS_ALLOW_INSECURE_URLS: 'true', WEBHOOK_POLL_MS: '50' },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await db?.end();
    await database?.drop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('touches only those two places by hand; everything else is generated', () => {
    expect(changed.filter((f) => !f.startsWith('generated/'))).toEqual([
      'openapi.yaml',
      'openapi/paths/webhooks/events/famille.created.yaml',
      'sql/functions/pos/famille-events.sql',
    ]);
    expect(changed.filter((f) => f.startsWith('generated/'))).toEqual(['generated/event-types.ts', 'generated/openapi-types.ts', 'generated/openapi.json', 'generated/webhook-render.sql']);
  });

  it('the new type is in the catalogue, subscribable with its scope, and a subscriber receives it signed and rendered at commit', async () => {
    const org = await createOrg(db);
    const reader = (await createApiKey(db, { orgId: org.id, scopes: ['webhooks:read', 'webhooks:write', 'read:catalogue'] })).key;
    const writeOnly = (await createApiKey(db, { orgId: org.id, scopes: ['webhooks:write'] })).key;
    const api = (path: string, key: string, init: RequestInit = {}) =>
      fetch(`${server!.url}${path}`, { ...init, headers: { 'X-API-Key': key, 'Content-Type': 'application/json' } });

    // GET /webhook-event-types derives from the spec.
    const catalogue = (await (await api('/api/v1/webhook-event-types?limit=200', reader)).json()) as {
      items: Array<{ type: string; description: string; subscribable: boolean; required_scope: string | null; schema: object }>;
    };
    const entry = catalogue.items.find((t) => t.type === 'famille.created')!;
    expect(entry).toMatchObject({ description: 'A product family was created.', subscribable: true, required_scope: 'read:catalogue' });

    // Subscribing is validated against the generated enum and gated by x-required-scope.
    const refused = await api('/api/v1/webhooks', writeOnly, { method: 'POST', body: JSON.stringify({ url: receiver.url, events: ['famille.created'] }) });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: expect.stringContaining('read:catalogue (for famille.created)') });
    const created = await api('/api/v1/webhooks', reader, { method: 'POST', body: JSON.stringify({ url: receiver.url, events: ['famille.created'] }) });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    // The module publishes with the object's id only; the render function fills `data` at commit.
    const client = await db.connect();
    let familleId: string;
    try {
      await client.query('BEGIN');
      familleId = (await client.query(`INSERT INTO familles (org_id, nom) VALUES ($1, 'Glaces') RETURNING id`, [org.id])).rows[0].id;
      await client.query(`SELECT webhook_publish($1, 'famille.created', jsonb_build_object('id', $2::uuid))`, [org.id, familleId]);
      await client.query(`UPDATE familles SET description = 'Artisanales' WHERE id = $1`, [familleId]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    const [delivery] = await receiver.waitFor(1, 20_000);
    const payload = verifySignature(secret, delivery) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe('famille.created');
    const validate = addFormats(new Ajv2020({ strict: false })).compile(entry.schema);
    expect(validate(payload)).toBe(true);
    // Exactly what GET /familles/{id} shows, as committed (the later UPDATE included).
    const got = await (await api(`/api/v1/familles/${familleId}`, reader)).json();
    expect(payload.data).toEqual(got);
    expect(payload.data).toMatchObject({ nom: 'Glaces', description: 'Artisanales' });
  });

  it('`make generate` refuses an event type anyone could subscribe to without a read scope, or with an unknown one', () => {
    const entry = join(copy, 'openapi/paths/webhooks/events/famille.created.yaml');
    const generate = () => {
      try {
        execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { cwd: copy, stdio: 'pipe' });
        return '';
      } catch (err) {
        return String((err as { stderr?: Buffer }).stderr);
      }
    };
    writeFileSync(entry, SPEC_ENTRY.replace('x-required-scope: read:catalogue\n', ''));
    expect(generate()).toContain('webhooks.famille.created: a subscribable event type needs x-required-scope');
    writeFileSync(entry, SPEC_ENTRY.replace('x-required-scope: read:catalogue', 'x-required-scope: read:everything'));
    expect(generate()).toContain('x-required-scope read:everything is not in components.schemas.Scope');
  });
});
