// First run: on a database without the `demo` organisation, create it (edition group) with an
// owner, one API key carrying every read scope (printed once) and realistic POS data — so a new
// user has a working key in the docs page within a minute. Off in production unless DEMO=true.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { insertApiKey } from '../../handlers/access/api-key-store';
import { hashPassword } from '../auth/passwords';
import { withTransaction } from '../db/transaction';

export const DEMO_SLUG = 'demo';
export const DEMO_OWNER_EMAIL = 'owner@demo.test';
export const DEMO_SCOPES = ['read:catalogue', 'read:clients', 'read:tickets', 'read:promotions'];

export type DemoResult = { created: false } | { created: true; ownerEmail: string; password: string; passwordGenerated: boolean; key: string };

/** Data seeders run inside the demo's transaction (the POS module registers its own). */
export type DemoSeeder = (tx: pg.PoolClient, orgId: string) => Promise<void>;

export async function ensureDemo(pool: pg.Pool, seeders: DemoSeeder[], ownerPassword?: string): Promise<DemoResult> {
  return withTransaction(pool, async (tx) => {
    // Several instances may boot at once: the slug's uniqueness decides which one seeds.
    const { rows: org } = await tx.query(
      `INSERT INTO organisations (name, slug, edition) VALUES ('Brasserie Démo', $1, 'group') ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [DEMO_SLUG],
    );
    if (!org[0]) return { created: false };
    const orgId: string = org[0].id;
    const password = ownerPassword ?? randomBytes(9).toString('base64url');
    const { rows: user } = await tx.query(
      `INSERT INTO users (email, name, password_hash) VALUES ($1, 'Demo Owner', $2)
       ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash RETURNING id`,
      [DEMO_OWNER_EMAIL, await hashPassword(password)],
    );
    await tx.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [orgId, user[0].id]);
    const { key } = await insertApiKey(tx, null, { orgId, name: 'Demo key (all read scopes)', scopes: DEMO_SCOPES, createdBy: user[0].id, now: new Date() });
    for (const seed of seeders) await seed(tx, orgId);
    return { created: true, ownerEmail: DEMO_OWNER_EMAIL, password, passwordGenerated: !ownerPassword, key };
  });
}

export function demoBanner(url: string, demo: DemoResult): string {
  if (!demo.created) {
    return [
      `Demo organisation "${DEMO_SLUG}" already exists (its key was shown on the first start).`,
      `  New key:  npm run -s admin -- create-key --org ${DEMO_SLUG} --name mine --scopes ${DEMO_SCOPES.join(',')}`,
      `  Console:  ${url}/console  (${DEMO_OWNER_EMAIL})`,
    ].join('\n');
  }
  return [
    'Demo organisation "demo" created with realistic data.',
    `  Owner:    ${demo.ownerEmail}  password: ${demo.passwordGenerated ? demo.password : '(from DEMO_OWNER_PASSWORD)'}`,
    `  API key:  ${demo.key}`,
    '            (shown this once; only its SHA-256 is stored)',
    `  Try it:   curl -H "X-API-Key: ${demo.key}" "${url}/api/v1/produits?actif=true&limit=10"`,
  ].join('\n');
}
