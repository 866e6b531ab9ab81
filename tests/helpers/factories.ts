// Factories: arrange data straight in the test database (the API under test is what we assert on).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { generateApiKey } from '../../src/auth/api-key-format';
import { hashPassword } from '../../src/auth/passwords';

type Db = pg.Pool | pg.PoolClient;
export type Edition = 'express' | 'boutique' | 'studio' | 'restaurant' | 'group' | 'restaurant_group';

const unique = () => randomBytes(4).toString('hex');

export async function createOrg(db: Db, opts: { name?: string; slug?: string; edition?: Edition; apiAddon?: boolean; timezone?: string } = {}) {
  const slug = opts.slug ?? `org-${unique()}`;
  const { rows } = await db.query(
    `INSERT INTO organisations (name, slug, edition, api_addon, timezone) VALUES ($1, $2, $3, $4, $5) RETURNING id, slug`,
    [opts.name ?? `Org ${slug}`, slug, opts.edition ?? 'group', opts.apiAddon ?? false, opts.timezone ?? 'Europe/Brussels'],
  );
  return rows[0] as { id: string; slug: string };
}

/** An API key of the org; returns the plaintext key (as shown once at creation). */
export async function createApiKey(
  db: Db,
  opts: { orgId: string; scopes: string[]; name?: string; rateLimitPerMinute?: number; expiresAt?: Date | null; createdBy?: string | null },
) {
  const { key, prefix, hash } = generateApiKey();
  const { rows } = await db.query(
    `INSERT INTO api_keys (org_id, name, prefix, key_hash, scopes, rate_limit_per_minute, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [opts.orgId, opts.name ?? 'test key', prefix, hash, opts.scopes, opts.rateLimitPerMinute ?? 60, opts.expiresAt ?? null, opts.createdBy ?? null],
  );
  return { id: rows[0].id as string, key };
}

/** A user with a membership in the org. Password defaults to a random one, returned. */
export async function createUser(db: Db, opts: { orgId: string; role?: 'owner' | 'admin' | 'member'; email?: string; password?: string; name?: string }) {
  const password = opts.password ?? `pw-${unique()}-${unique()}`;
  const email = opts.email ?? `user-${unique()}@example.test`;
  const { rows } = await db.query(`INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`, [
    email,
    opts.name ?? 'Test User',
    await hashPassword(password),
  ]);
  await db.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)`, [opts.orgId, rows[0].id, opts.role ?? 'owner']);
  return { id: rows[0].id as string, email, password };
}

/** Signs in through the API; returns what a browser would hold. */
export async function signIn(api: import('./harness').ContractClient, user: { email: string; password: string }) {
  const res = await api.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
  const cookie = String(res.headers['set-cookie']![0]).split(';')[0];
  return { cookie, csrf: res.body.csrf_token as string, body: res.body };
}
