// `npm run -s admin -- link-identity-org`: an identity provider's organisation mapped to one of
// ours (in-process through the CLI's `main`, as tests/cli/admin.test.ts does).
import { Readable } from 'node:stream';
import pg from 'pg';
import { main } from '../../src/cli/admin';
import { createOrg } from '../helpers/factories';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';

describe('npm run admin -- link-identity-org', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const admin = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io = { env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent' }, stdin: Readable.from(['']), stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
    return { code: await main(args, io), stdout, stderr };
  };
  beforeAll(async () => {
    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 2 }));
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  it('links, records a system audit event, and refuses a second link of the same provider organisation', async () => {
    const org = await createOrg(db, { slug: 'chez-jwt' });
    const run = await admin('link-identity-org', '--org', 'chez-jwt', '--issuer', 'https://clerk.chez.test', '--external-org', 'org_2abc');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^linked org_2abc at https:\/\/clerk\.chez\.test to chez-jwt \([0-9a-f-]{36}\)\n$/);
    const { rows } = await db.query('SELECT org_id, issuer, external_org_id FROM identity_org_links');
    expect(rows).toEqual([{ org_id: org.id, issuer: 'https://clerk.chez.test', external_org_id: 'org_2abc' }]);
    const audit = await db.query("SELECT actor_type, actor_id, target_type, metadata FROM audit_events WHERE action = 'identity_link.created'");
    expect(audit.rows).toEqual([{ actor_type: 'system', actor_id: null, target_type: 'identity_link', metadata: { issuer: 'https://clerk.chez.test', external_org_id: 'org_2abc', via: 'admin-cli' } }]);

    // The provider organisation maps to one of ours only: linking it again (to any) is refused.
    await createOrg(db, { slug: 'chez-autre' });
    const again = await admin('link-identity-org', '--org', 'chez-autre', '--issuer', 'https://clerk.chez.test', '--external-org', 'org_2abc');
    expect(again).toMatchObject({ code: 1, stderr: 'admin link-identity-org: that already exists (unique value taken)\n' });
  });

  it('bad usage → exit 2 naming the option; an unknown organisation → exit 1', async () => {
    expect(await admin('link-identity-org', '--org', 'chez-jwt', '--issuer', 'https://clerk.chez.test')).toMatchObject({ code: 2, stderr: 'admin link-identity-org: missing --external-org\n' });
    expect((await admin('link-identity-org', '--org', 'chez-jwt', '--issuer', 'clerk', '--external-org', 'x')).code).toBe(2);
    expect(await admin('link-identity-org', '--org', 'nowhere', '--issuer', 'https://clerk.chez.test', '--external-org', 'x')).toMatchObject({ code: 1, stderr: 'admin link-identity-org: no organisation with slug "nowhere"\n' });
  });
});
