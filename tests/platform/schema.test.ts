// The schema as the migrations leave it: every foreign key has an index behind it (a delete on the
// referenced side otherwise scans the referencing table), except on tables that stay small.
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

// api_keys: a few rows per organisation; deleting a user (SET NULL on created_by/revoked_by) may scan it.
const SMALL_TABLE_EXCEPTIONS = ['api_keys.created_by', 'api_keys.revoked_by'];

describe('schema', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  it('every foreign key column leads an index', async () => {
    const { rows } = await db.query(`
      SELECT c.conrelid::regclass::text || '.' || a.attname AS fk
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
         AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
       ORDER BY 1`);
    expect(rows.map((r) => r.fk)).toEqual(SMALL_TABLE_EXCEPTIONS);
  });
});
