import pg from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';

// Timestamps come back as strings in RFC 3339 via to_json / explicit formatting in SQL; bigint
// counts (COUNT(*)) are parsed as numbers — our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Pool = pg.Pool;

export function createPool(config: Pick<Config, 'dbPoolMax' | 'dbConnectionTimeoutMs' | 'dbStatementTimeoutMs'>, connectionString: string, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: config.dbPoolMax,
    connectionTimeoutMillis: config.dbConnectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: config.dbStatementTimeoutMs,
    application_name: 'aura-api',
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'idle database client error'));
  return pool;
}
