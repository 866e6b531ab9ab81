// Mass-patch figure for `make bench` (issue #18): the engine's executePatch of a 100,000-row
// update against the same UPDATE run with psql, in the same run, on the same table.
//   baseline  psql -c 'UPDATE …' on the target; the statement's own time (psql's \timing), so
//             process start and connection are not counted in the baseline's favour
//   engine    executePatch() called directly (no HTTP, no run queue) on a connected client: its
//             target transaction with both images, the images committed to the API's database,
//             the two commits
// The target is a database of its own on the API database's server (`aura_bench_patch`), its
// table rebuilt once per run; each measurement is followed by a VACUUM (not timed) so every
// update starts from the same table, and the two take turns in a rotating order. The figure is
// the median over BENCH_PATCH_ROUNDS rounds (5); the per-round ratios' range is printed beside it.
// Alone: `make bench-patch` (needs DATABASE_URL; creates and migrates `aura_bench` if needed).
import { execFile } from 'node:child_process';
import pg from 'pg';
import { runMigrations } from '../src/db/migrate';
import { canonicalizePatch, contentHash, executePatch } from '../handlers/ops/patches/engine';
import { ITEMS_SQL } from '../tests/ops/patch-engine/fixtures';

const ROWS = Number(process.env.BENCH_PATCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_PATCH_ROUNDS ?? 5);
const TARGET_DB = 'aura_bench_patch';
const say = (s: string) => process.stdout.write(`bench: ${s}\n`);

export interface PatchBench {
  rows: number;
  rounds: number;
  /** Medians, ms. */
  psql: number;
  engine: number;
  ratio: number;
  roundRatios: number[];
  psqlRounds: number[];
  engineRounds: number[];
  /** psql's whole process (start, connect, statement, exit), for reference. */
  psqlWallMs: number;
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The UPDATE with psql; returns psql's \timing of the statement and the process's wall time. */
function psqlUpdate(url: string, sql: string): Promise<{ ms: number; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', '\\timing on', '-c', sql], (err, stdout, stderr) => {
      const wallMs = performance.now() - t0;
      if (err) return reject(new Error(`psql failed (is Debian's postgresql-client installed?): ${stderr || err.message}`));
      const m = /Time: ([\d.]+) ms/.exec(stdout);
      if (!m) return reject(new Error(`psql printed no timing: ${stdout}`));
      resolve({ ms: Number(m[1]), wallMs });
    });
  });
}

/**
 * `apiUrl`: a migrated API database; `orgId`: an organisation in it. The target database is
 * created beside it (same server and credentials). The patches and images it writes are removed.
 */
export async function measurePatch(apiUrl: string, orgId: string): Promise<PatchBench> {
  const admin = new pg.Client({ connectionString: apiUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TARGET_DB}`);
  await admin.query(`CREATE DATABASE ${TARGET_DB}`);
  await admin.end();
  const targetUrl = withDatabase(apiUrl, TARGET_DB);
  const target = new pg.Client({ connectionString: targetUrl });
  await target.connect();
  await target.query(ITEMS_SQL(ROWS));
  await target.query('VACUUM ANALYZE shop.items');

  const api = new pg.Pool({ connectionString: apiUrl, max: 2 });
  const project = await api.query<{ id: string }>(
    `INSERT INTO projects (org_id, name) VALUES ($1, 'bench patches')
     ON CONFLICT (org_id, lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [orgId],
  );
  const conn = await api.query<{ id: string }>(
    `INSERT INTO connections (org_id, project_id, name, environment, host, port, database, username, ssl_mode)
     VALUES ($1, $2, 'bench target', 'development', '127.0.0.1', 5432, $3, 'postgres', 'disable')
     ON CONFLICT (project_id, lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [orgId, project.rows[0].id, TARGET_DB],
  );
  const patchIds: string[] = [];
  const setFor = (round: number) => ({ price: round + 1, note: `bench ${round}` });
  const where = 'id > 0';

  async function engineRound(round: number): Promise<number> {
    const patch = await canonicalizePatch({
      connection_id: conn.rows[0].id, table: 'shop.items', operation: 'update', set: setFor(round), where, max_rows: ROWS, expected_rows: ROWS,
    });
    const row = await api.query<{ id: string }>(
      `INSERT INTO patches (org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values, where_input, where_sql,
                            max_rows, expected_rows, content_hash)
       VALUES ($1, $2, $3, 'bench', $4, $5, 'update', $6, $7, $8, $9, $10, $11) RETURNING id`,
      [orgId, project.rows[0].id, conn.rows[0].id, patch.table.schema, patch.table.name, JSON.stringify(patch.set), where, patch.where,
        patch.maxRows, patch.expectedRows, contentHash(patch)],
    );
    patchIds.push(row.rows[0].id);
    const t0 = performance.now();
    const r = await executePatch(target, api, patch, { orgId, patchId: row.rows[0].id });
    const ms = performance.now() - t0;
    if (r.affected_rows !== ROWS) throw new Error(`executePatch changed ${r.affected_rows} rows, not ${ROWS}`);
    return ms;
  }

  const psqlRounds: number[] = [];
  const psqlWall: number[] = [];
  const engineRounds: number[] = [];
  try {
    // Warm-up (untimed): one of each, so caches and the plan are as warm for both.
    await psqlUpdate(targetUrl, `UPDATE shop.items SET price = 0, note = 'warm' WHERE ${where}`);
    await target.query('VACUUM shop.items');
    await engineRound(-1);
    await target.query('VACUUM shop.items');
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['psql', 'engine'] : ['engine', 'psql'];
      for (const which of order) {
        if (which === 'psql') {
          const s = setFor(round);
          const r = await psqlUpdate(targetUrl, `UPDATE shop.items SET price = ${s.price}, note = '${s.note}' WHERE ${where}`);
          psqlRounds.push(r.ms);
          psqlWall.push(r.wallMs);
        } else {
          engineRounds.push(await engineRound(round));
        }
        await target.query('VACUUM shop.items');
      }
      say(`patch    round ${round + 1}: psql ${psqlRounds[round].toFixed(0)} ms, executePatch ${engineRounds[round].toFixed(0)} ms, ${(engineRounds[round] / psqlRounds[round]).toFixed(2)}×`);
    }
  } finally {
    // The images are RESTRICT-protected: children first.
    await api.query(`DELETE FROM patch_changes WHERE execution_id IN (SELECT id FROM patch_executions WHERE patch_id = ANY($1))`, [patchIds]);
    await api.query(`DELETE FROM patch_executions WHERE patch_id = ANY($1)`, [patchIds]);
    await api.query(`DELETE FROM patches WHERE id = ANY($1)`, [patchIds]);
    await api.end();
    await target.end();
    const drop = new pg.Client({ connectionString: apiUrl });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${TARGET_DB}`);
    await drop.end();
  }
  const psql = median(psqlRounds);
  const engine = median(engineRounds);
  return {
    rows: ROWS, rounds: ROUNDS, psql, engine, ratio: engine / psql, roundRatios: engineRounds.map((e, i) => e / psqlRounds[i]),
    psqlRounds, engineRounds, psqlWallMs: median(psqlWall),
  };
}

/** Alone (`make bench-patch`): the `aura_bench` database of DATABASE_URL's server, migrated, and an organisation in it. */
async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('make bench-patch needs DATABASE_URL (a PostgreSQL server it may create databases on)');
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  if (!(await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'aura_bench'`)).rowCount) await admin.query('CREATE DATABASE aura_bench');
  await admin.end();
  const url = withDatabase(process.env.DATABASE_URL, 'aura_bench');
  await runMigrations(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const org = await db.query<{ id: string }>(
    `INSERT INTO organisations (name, slug, edition, timezone) VALUES ('Bench', 'bench', 'group', 'Europe/Brussels')
     ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id`,
  );
  await db.end();
  const r = await measurePatch(url, org.rows[0].id);
  const range = `${Math.min(...r.roundRatios).toFixed(2)}–${Math.max(...r.roundRatios).toFixed(2)}`;
  say(`patch: ${r.rows.toLocaleString('en')} rows, median of ${r.rounds}: psql ${r.psql.toFixed(0)} ms (process ${r.psqlWallMs.toFixed(0)} ms), executePatch ${r.engine.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)} (rounds ${range})`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
