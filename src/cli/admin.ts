// Admin CLI — bootstrapping a production install without the web app:
//   npm run -s admin -- create-org --name N --slug S [--edition E] [--api-addon]
//   npm run -s admin -- create-user --org S --email E --role owner|admin|member [--name N] [--password-stdin]
//   npm run -s admin -- create-key --org S --name N --scopes a,b [--rate-limit N (default: from the scopes)] [--description D] [--expires-at T]
//   npm run -s admin -- revoke-key --id ID
//   npm run -s admin -- list-keys --org S
//   npm run -s admin -- link-identity-org --org S --issuer ISS --external-org ID   (JWT sign-in)
//   npm run -s admin -- reencrypt-webhook-secrets   (after setting a new WEBHOOK_SECRETS_KEY and
//                                                    the old one as WEBHOOK_SECRETS_KEY_PREVIOUS)
//   npm run -s admin -- reencrypt-connection-passwords   (the same for CONNECTION_SECRETS_KEY)
// Exit 0 on success; 1 with a one-line message on any error; 2 on bad usage.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { apiKeyJson, API_KEY_COLUMNS } from '../../handlers/access/api-key-row';
import { insertApiKey } from '../../handlers/access/api-key-store';
import { insertIdentityLink } from '../../handlers/access/identity-link-store';
import { reencryptConnectionPasswords } from '../../handlers/ops/target/reencrypt-passwords';
import { loadSpec } from '../app';
import { recordAudit } from '../audit';
import { hashPassword } from '../auth/passwords';
import { loadConfig, type Config } from '../config';
import { withTransaction } from '../db/transaction';
import { decryptSecretWithAny, encryptSecret } from '../webhooks/secrets';
import { secretsKeys } from '../webhooks/settings';
import { createLogger } from '../logger';
import { openDatabase } from './database';
import { errorText } from './error-text';

class UsageError extends Error {}
const EDITIONS = ['express', 'boutique', 'studio', 'restaurant', 'group', 'restaurant_group'];
const ROLES = ['owner', 'admin', 'member'];

/** Where a run reads and writes: the process's own, or a test's (tests/cli/admin.test.ts runs it in-process). */
export interface AdminIo {
  env: NodeJS.ProcessEnv;
  stdin: AsyncIterable<Buffer | string>;
  stdout(text: string): void;
  stderr(text: string): void;
}
const processIo: AdminIo = {
  env: process.env,
  get stdin() {
    return process.stdin; // opened only when a command reads it
  },
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

function need(values: Record<string, unknown>, ...names: string[]): void {
  const missing = names.filter((n) => values[n] === undefined || values[n] === '');
  if (missing.length) throw new UsageError(`missing ${missing.map((n) => `--${n}`).join(', ')}`);
}

async function orgId(db: pg.Pool, slug: string): Promise<string> {
  const { rows } = await db.query('SELECT id FROM organisations WHERE slug = $1', [slug]);
  if (!rows[0]) throw new Error(`no organisation with slug "${slug}"`);
  return rows[0].id;
}

async function readStdin(stdin: AdminIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

type Command = (db: pg.Pool, v: Record<string, string | boolean | undefined>, config: Config, io: AdminIo & { out(line: string): void }) => Promise<void>;
const commands: Record<string, Command> = {
  async 'create-org'(db, v, _config, { out }) {
    need(v, 'name', 'slug');
    const edition = (v.edition as string) ?? 'group';
    if (!EDITIONS.includes(edition)) throw new UsageError(`--edition must be one of ${EDITIONS.join(', ')}`);
    const { rows } = await db.query('INSERT INTO organisations (name, slug, edition, api_addon) VALUES ($1, $2, $3, $4) RETURNING id', [v.name, v.slug, edition, Boolean(v['api-addon'])]);
    out(`created organisation ${v.slug} (${rows[0].id}), edition ${edition}`);
  },
  async 'create-user'(db, v, _config, { out, stdin }) {
    need(v, 'org', 'email', 'role');
    if (!ROLES.includes(v.role as string)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const org = await orgId(db, v.org as string);
    const generated = !v['password-stdin'];
    const password = generated ? randomBytes(12).toString('base64url') : await readStdin(stdin);
    if (password.length < 10) throw new Error('the password must be at least 10 characters');
    await withTransaction(db, async (tx) => {
      const { rows } = await tx.query(
        `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (lower(email)) DO UPDATE SET updated_at = now() RETURNING id, (xmax = 0) AS inserted`,
        [v.email, (v.name as string) ?? (v.email as string).split('@')[0], await hashPassword(password)],
      );
      await tx.query('INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)', [org, rows[0].id, v.role]);
      await recordAudit(tx, null, { orgId: org, action: 'member.added', targetType: 'user', targetId: rows[0].id, metadata: { role: v.role, via: 'admin-cli' } });
      out(rows[0].inserted ? `created user ${v.email} (${rows[0].id}) as ${v.role} of ${v.org}` : `added existing user ${v.email} as ${v.role} of ${v.org} (password unchanged)`);
      if (rows[0].inserted && generated) out(`password: ${password}`);
    });
  },
  async 'create-key'(db, v, _config, { out }) {
    need(v, 'org', 'name', 'scopes');
    const known = ((loadSpec() as unknown as { components: { schemas: { Scope: { enum: string[] } } } }).components.schemas.Scope.enum);
    const scopes = (v.scopes as string).split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = scopes.filter((s) => !known.includes(s));
    if (!scopes.length || unknown.length) throw new UsageError(`--scopes: unknown ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ')}`);
    const explicit = v['rate-limit'] === undefined ? undefined : Number(v['rate-limit']);
    if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1 || explicit > 1_000_000)) throw new UsageError('--rate-limit must be an integer from 1 to 1000000');
    const org = await orgId(db, v.org as string);
    const { row, key } = await withTransaction(db, (tx) =>
      insertApiKey(tx, null, { orgId: org, name: v.name as string, description: v.description as string | undefined, scopes, createdBy: null, expiresAt: (v['expires-at'] as string) ?? null, rateLimitPerMinute: explicit, now: new Date() }),
    );
    out(`created key ${row.id} (${row.prefix}) for ${v.org} with ${scopes.join(', ')}, ${row.rate_limit_per_minute}/min — shown once:`);
    out(key);
  },
  async 'revoke-key'(db, v, _config, { out }) {
    need(v, 'id');
    if (!/^[0-9a-f-]{36}$/i.test(v.id as string)) throw new UsageError('--id must be a key id (UUID)');
    await withTransaction(db, async (tx) => {
      const { rows } = await tx.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING org_id, name, prefix', [v.id]);
      if (!rows[0]) {
        const exists = await tx.query('SELECT 1 FROM api_keys WHERE id = $1', [v.id]);
        if (!exists.rowCount) throw new Error(`no API key ${v.id}`);
        out(`key ${v.id} was already revoked`);
        return;
      }
      await recordAudit(tx, null, { orgId: rows[0].org_id, action: 'api_key.revoked', targetType: 'api_key', targetId: v.id as string, metadata: { name: rows[0].name, prefix: rows[0].prefix, via: 'admin-cli' } });
      out(`revoked key ${v.id} (${rows[0].prefix})`);
    });
  },
  async 'list-keys'(db, v, _config, { out }) {
    need(v, 'org');
    const { rows } = await db.query(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id DESC`, [await orgId(db, v.org as string)]);
    const now = new Date();
    for (const k of rows.map((r) => apiKeyJson(r, now))) {
      out([k.id, k.prefix, k.status.padEnd(7), k.name, k.scopes.join(','), `last used ${k.last_used_at ?? 'never'}`].join('  '));
    }
    if (!rows.length) out('(no keys)');
  },
  /** Maps an identity provider's organisation (the `org_id` / `o.id` of its JWTs) to one of ours. */
  async 'link-identity-org'(db, v, _config, { out }) {
    need(v, 'org', 'issuer', 'external-org');
    const issuer = (v.issuer as string).trim();
    if (!URL.canParse(issuer)) throw new UsageError('--issuer must be the issuer URL exactly as in the tokens\' "iss" (e.g. https://clerk.example.com)');
    const org = await orgId(db, v.org as string);
    const row = await withTransaction(db, (tx) => insertIdentityLink(tx, null, { orgId: org, issuer, externalOrgId: (v['external-org'] as string).trim(), via: 'admin-cli' }));
    out(`linked ${row.external_org_id} at ${row.issuer} to ${v.org} (${row.id})`);
  },
  /**
   * The second half of a WEBHOOK_SECRETS_KEY rotation: every signing secret (and previous secret)
   * still under the previous key is re-encrypted under the current one, in one transaction — a
   * secret that neither key opens stops it with nothing changed.
   */
  async 'reencrypt-webhook-secrets'(db, _v, config, { out }) {
    const keys = secretsKeys(config);
    const counts = await withTransaction(db, async (tx) => {
      const { rows } = await tx.query('SELECT id, secret_encrypted, previous_secret_encrypted FROM webhook_endpoints ORDER BY id FOR UPDATE');
      let moved = 0;
      let current = 0;
      for (const row of rows) {
        for (const column of ['secret_encrypted', 'previous_secret_encrypted'] as const) {
          if (!row[column]) continue;
          let opened: { secret: string; keyIndex: number };
          try {
            opened = decryptSecretWithAny(keys, row.id, row[column]);
          } catch {
            throw new Error(`webhook endpoint ${row.id}: its ${column.replace('_encrypted', '')} opens with neither WEBHOOK_SECRETS_KEY nor WEBHOOK_SECRETS_KEY_PREVIOUS; nothing was changed`);
          }
          if (opened.keyIndex === 0) {
            current++;
            continue;
          }
          await tx.query(`UPDATE webhook_endpoints SET ${column} = $2 WHERE id = $1`, [row.id, encryptSecret(keys[0], row.id, opened.secret)]);
          moved++;
        }
      }
      return { endpoints: rows.length, moved, current };
    });
    out(`${counts.endpoints} webhook endpoints: ${counts.moved} secrets re-encrypted under WEBHOOK_SECRETS_KEY, ${counts.current} already were`);
    if (config.webhookSecretsKeyPrevious) out('every secret is under WEBHOOK_SECRETS_KEY now: WEBHOOK_SECRETS_KEY_PREVIOUS can be removed');
  },
  /** The same for connection passwords (CONNECTION_SECRETS_KEY), in one transaction. */
  async 'reencrypt-connection-passwords'(db, _v, config, { out }) {
    const counts = await reencryptConnectionPasswords(db, config);
    out(`${counts.connections} connections: ${counts.moved} passwords re-encrypted under CONNECTION_SECRETS_KEY, ${counts.current} already were`);
    if (config.connectionSecretsKeyPrevious) out('every password is under CONNECTION_SECRETS_KEY now: CONNECTION_SECRETS_KEY_PREVIOUS can be removed');
  },
};

/** Runs one command (argv without node and the script); resolves with the exit code. */
export async function main(argv: string[], io: AdminIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  const run = command ? commands[command] : undefined;
  if (!run) {
    io.stderr(`usage: npm run -s admin -- <${Object.keys(commands).join('|')}> [options]\n`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const options: Record<string, { type: 'string' | 'boolean' }> = { 'api-addon': { type: 'boolean' }, 'password-stdin': { type: 'boolean' } };
    for (const n of ['name', 'slug', 'edition', 'org', 'email', 'role', 'scopes', 'rate-limit', 'description', 'expires-at', 'id', 'issuer', 'external-org']) options[n] = { type: 'string' };
    values = parseArgs({ args: rest, options }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    io.stderr(`admin ${command}: ${(err as Error).message}\n`);
    return 2;
  }
  const config = loadConfig(io.env);
  const log = createLogger(io.env.LOG_LEVEL ?? 'warn');
  const db = await openDatabase(config, log);
  try {
    await run(db.pool, values, config, { ...io, out: (line) => io.stdout(`${line}\n`) });
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown } | undefined)?.code;
    const message = code === '23505' ? 'that already exists (unique value taken)' : code === '23514' ? `a value is out of range (${errorText(err)})` : errorText(err);
    io.stderr(`admin ${command}: ${message}\n`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`admin: ${errorText(err)}\n`);
      process.exit(1);
    },
  );
}
