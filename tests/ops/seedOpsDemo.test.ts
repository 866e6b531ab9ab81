// The ops demo (`make start` on an empty database): a project "Demo shop" with a connection to a
// shop database created beside the API's own, with a realistic schema and data. The demo's target
// is dropped with the test database (tests/helpers/db.ts).
import pg from 'pg';
import { modules } from '../../handlers';
import { ensureDemo } from '../../handlers/access/demo';
import { DEMO_CONNECTION_NAME, DEMO_PATCH_NAME, DEMO_PROJECT_NAME, seedOpsDemo } from '../../handlers/ops/demo/data';
import { demoTargetName } from '../../handlers/ops/demo/target-database';
import { moduleDefinition } from '../../handlers/ops/module';
import { loadConfig } from '../../src/config';
import { decryptPassword } from '../../handlers/ops/target/connection-secrets';
import { createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('the ops demo', () => {
  let h: Harness;
  let target: pg.Client;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates the project, a connection to <api database>_demo_target on the same server, and that database with the shop', async () => {
    const demo = await ensureDemo(h.db, modules, 'demo password 1');
    expect(demo.created).toBe(true);
    const { rows: projects } = await h.db.query(`SELECT p.id, p.name FROM projects p JOIN organisations o ON o.id = p.org_id WHERE o.slug = 'demo'`);
    expect(projects).toEqual([{ id: expect.any(String), name: DEMO_PROJECT_NAME }]);
    const { rows: conns } = await h.db.query('SELECT * FROM connections WHERE project_id = $1', [projects[0].id]);
    const api = new URL(h.database.url);
    expect(conns).toEqual([
      expect.objectContaining({
        name: DEMO_CONNECTION_NAME,
        environment: 'development',
        host: '127.0.0.1',
        port: Number(api.port || 5432),
        database: demoTargetName(h.database.name),
        username: decodeURIComponent(api.username),
        ssl_mode: 'disable',
        read_only: false,
      }),
    ]);
    expect(conns[0].database).toBe(`${h.database.name}_demo_target`);
    // No password in this server's URL: none stored. (With one, it is stored encrypted, never in clear.)
    if (api.password) {
      expect(conns[0].password_encrypted).toEqual(expect.any(Buffer));
      expect(conns[0].password_encrypted.toString('utf8')).not.toContain(decodeURIComponent(api.password));
      expect(decryptPassword(loadConfig({ NODE_ENV: 'test' }), conns[0].id, conns[0].password_encrypted)).toBe(decodeURIComponent(api.password));
    } else {
      expect(conns[0].password_encrypted).toBeNull();
    }

    // The row points at a real database with the shop, reachable with the row's own fields.
    target = new pg.Client({ host: conns[0].host, port: conns[0].port, database: conns[0].database, user: conns[0].username, password: api.password ? decodeURIComponent(api.password) : undefined });
    await target.connect();
    const { rows } = await target.query(`
      SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM products) AS products,
             (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_items) AS order_items,
             (SELECT count(*)::int FROM customer_lifetime_value) AS view_rows,
             (SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'order_status'::regtype) AS statuses,
             (SELECT count(*)::int FROM pg_trigger WHERE tgname = 'orders_touch_updated_at') AS triggers,
             (SELECT last_value::int FROM invoice_number_seq) AS last_invoice,
             (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'public') AS indexes`);
    expect(rows[0]).toEqual({
      customers: 1000, products: 48, orders: 3000, order_items: 6000, view_rows: 1000,
      statuses: ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'],
      triggers: 1, last_invoice: 12400, indexes: 12,
    });
    // Deterministic, and realistic enough to anonymise later: emails are unique and on a reserved domain.
    const { rows: first } = await target.query(`SELECT email, first_name, last_name, country FROM customers ORDER BY id LIMIT 2`);
    expect(first).toEqual([
      { email: 'marc.martin1@example.com', first_name: 'Marc', last_name: 'Martin', country: 'BE' },
      { email: 'emma.martin2@example.com', first_name: 'Emma', last_name: 'Martin', country: 'BE' },
    ]);
    // A draft patch to try the patch flow on: the shop's pending orders, on the development connection.
    const { rows: patches } = await h.db.query('SELECT name, connection_id, table_schema, table_name, operation, set_values, where_sql, max_rows, status FROM patches WHERE project_id = $1', [projects[0].id]);
    expect(patches).toEqual([{
      name: DEMO_PATCH_NAME, connection_id: conns[0].id, table_schema: 'public', table_name: 'orders', operation: 'update',
      set_values: { status: 'cancelled' }, where_sql: "status = 'pending'", max_rows: 500, status: 'draft',
    }]);
    expect((await target.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'pending'`)).rows[0].n).toBe(300);
    // The trigger works in the demo as it would in a customer's database.
    const { rows: touched } = await target.query(`UPDATE orders SET status = 'shipped' WHERE id = 6 RETURNING updated_at > placed_at AS touched`);
    expect(touched).toEqual([{ touched: true }]);
  });

  it('is idempotent: another organisation seeded on the same database reuses the target and does not refill it', async () => {
    const org = await createOrg(h.db);
    const client = await h.db.connect();
    try {
      await seedOpsDemo(client, org.id);
    } finally {
      client.release();
    }
    const { rows } = await h.db.query('SELECT database FROM connections ORDER BY created_at');
    expect(rows.map((r) => r.database)).toEqual([demoTargetName(h.database.name), demoTargetName(h.database.name)]);
    const count = await target.query('SELECT count(*)::int AS n FROM customers');
    expect(count.rows[0].n).toBe(1000);
  });

  it('a database user that may not CREATE DATABASE still gets the project, without a connection, saying why', async () => {
    const role = `aura_t_nocreatedb_${process.pid}`;
    const org = await createOrg(h.db);
    // Without the target the first seeding created: this user would have to create it.
    await target.end();
    const admin = new pg.Client({ connectionString: process.env.AURA_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE ${demoTargetName(h.database.name)} WITH (FORCE)`).finally(() => admin.end());
    await h.db.query(`CREATE ROLE ${role} LOGIN PASSWORD 'demo-pw' NOCREATEDB`);
    await h.db.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const url = new URL(h.database.url);
    Object.assign(url, { username: role, password: 'demo-pw' });
    const restricted = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const client = await restricted.connect();
      try {
        await seedOpsDemo(client, org.id);
      } finally {
        client.release();
      }
      const { rows } = await h.db.query('SELECT p.description, (SELECT count(*)::int FROM connections c WHERE c.project_id = p.id) AS connections FROM projects p WHERE p.org_id = $1', [org.id]);
      expect(rows).toEqual([{ description: expect.stringContaining('may not CREATE DATABASE'), connections: 0 }]);
    } finally {
      await restricted.end();
      await h.db.query(`DROP OWNED BY ${role}`);
      await h.db.query(`DROP ROLE ${role}`);
    }
  });

  it("the demo key gets the ops read scopes, connections:write (to introspect the demo's connection) and the patch scopes (to run its patch)", () => {
    expect(moduleDefinition.demo!.scopes).toEqual(['projects:read', 'connections:read', 'connections:write', 'runs:read', 'patches:read', 'patches:write', 'patches:execute', 'approvals:read']);
  });

  it('names the target after the API database, within the 63-byte limit', () => {
    expect(demoTargetName('aura')).toBe('aura_demo_target');
    expect(demoTargetName('x'.repeat(63))).toBe(`${'x'.repeat(51)}_demo_target`);
  });
});
