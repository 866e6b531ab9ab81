// Opening a session on a customer's database (a "target") for a run or a connection test.
// PLACEHOLDER written by the lead so the runs and connections work can proceed in parallel: the
// connections helper owns this file and replaces its body (password decryption, the SSRF check
// at connect time with the checked address, ssl). Keep the signature.
import pg from 'pg';

export interface TargetSessionOptions {
  /** application_name on the target: 'auralith/run/<id>' for a run, 'auralith/test/<id>' for a test. */
  applicationName: string;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  readOnly?: boolean;
}

/** The connection's row as stored (connections table). */
export interface ConnectionRow {
  id: string;
  org_id: string;
  project_id: string;
  host: string;
  port: number;
  database: string;
  username: string;
  password_encrypted: Buffer | null;
  ssl_mode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  read_only: boolean;
}

/** A connected client on the target with the session settings applied; the caller ends it. */
export async function connectTarget(conn: ConnectionRow, opts: TargetSessionOptions): Promise<pg.Client> {
  const client = new pg.Client({
    host: conn.host,
    port: conn.port,
    database: conn.database,
    user: conn.username,
    application_name: opts.applicationName.slice(0, 63),
    statement_timeout: opts.statementTimeoutMs ?? 60_000,
    lock_timeout: opts.lockTimeoutMs ?? 2_000,
    idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? 60_000,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  if (opts.readOnly ?? conn.read_only) await client.query('SET default_transaction_read_only = on');
  return client;
}
