// First run: on a database without the `demo` organisation, create it (edition group) with an
// owner, one API key carrying the read scopes of every module's demo data (printed once) and that
// data (each handlers/<module>/module.ts's `demo`) — so a new user has a working key in the docs
// page within a minute. Off in production unless DEMO=true.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { ApiModule } from '../../src/module';
import { insertApiKey } from './api-key-store';
import { hashPassword } from '../../src/auth/passwords';
import { withTransaction } from '../../src/db/transaction';

export const DEMO_SLUG = 'demo';
export const DEMO_OWNER_EMAIL = 'owner@demo.test';

/** The printed key's scopes: what every module's demo data needs to be read. */
export const demoScopes = (modules: readonly ApiModule[]) => modules.flatMap((m) => m.demo?.scopes ?? []);

export type DemoResult = { created: false } | { created: true; ownerEmail: string; password: string; passwordGenerated: boolean; key: string };

export async function ensureDemo(pool: pg.Pool, modules: readonly ApiModule[], ownerPassword?: string): Promise<DemoResult> {
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
    const { key } = await insertApiKey(tx, null, { orgId, name: 'Demo key (all read scopes)', scopes: demoScopes(modules), createdBy: user[0].id, now: new Date() });
    for (const m of modules) if (m.demo) await m.demo.seed(tx, orgId);
    return { created: true, ownerEmail: DEMO_OWNER_EMAIL, password, passwordGenerated: !ownerPassword, key };
  });
}

export function demoBanner(url: string, demo: DemoResult, scopes: readonly string[]): string {
  if (!demo.created) {
    return [
      `Demo organisation "${DEMO_SLUG}" already exists (its key was shown on the first start).`,
      `  New key:  npm run -s admin -- create-key --org ${DEMO_SLUG} --name mine --scopes ${scopes.join(',')}`,
      `  Console:  ${url}/console  (${DEMO_OWNER_EMAIL})`,
    ].join('\n');
  }
  return [
    'Demo organisation "demo" created with realistic data.',
    `  Owner:    ${demo.ownerEmail}  password: ${demo.passwordGenerated ? demo.password : '(from DEMO_OWNER_PASSWORD)'}`,
    `  API key:  ${demo.key}`,
    '            (shown this once; only its SHA-256 is stored)',
    `  Try it:   curl -H "X-API-Key: ${demo.key}" "${url}/api/v1/produits?actif=true&limit=10"`,
    `  Ops:      curl -H "Authorization: Bearer ${demo.key}" "${url}/api/v1/connections"   (then POST …/{id}/introspect)`,
  ].join('\n');
}
