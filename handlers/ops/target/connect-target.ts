// Opening a session on a customer's database (a "target") for a run or a connection test.
// Every time: the host's form and port, then the name resolved and every address checked
// (target-policy.ts), then a connection to the checked address itself — never a second lookup by
// the driver, which is what DNS rebinding needs — with TLS naming the host. Then the self-target
// guard and the session settings. Any failure is a TargetError with a stable code.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { loadConfig, type Config } from '../../../src/config';
import { decryptPassword } from './connection-secrets';
import { ownDatabaseIdentity, type Queryable } from './self-target';
import { TargetError, toTargetError } from './target-errors';
import { hostFormProblem, portProblem, resolveTarget, systemLookup, targetPolicy, type TargetLookup } from './target-policy';

export interface TargetSessionOptions {
  /** application_name on the target: 'auralith/run/<id>' for a run, 'auralith/test/<id>' for a test. */
  applicationName: string;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  readOnly?: boolean;
  /** Connecting (TCP, TLS, authentication) gives up after this long: TIMEOUT. */
  connectTimeoutMs?: number;
  /** The policy, keys and ports; default: the process's environment (a worker's). */
  config?: Config;
  /** Name resolution (tests inject a rebinding resolver); default: the system's. */
  lookup?: TargetLookup;
  /**
   * The API's own database, to refuse it as a target (pg_control_system() + current_database()).
   * Every caller with a pool of ours passes it (a run: its RunContext.db).
   */
  ownDb?: Queryable;
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

/** The columns connectTarget needs (with the encrypted password), for callers reading the row. */
export const TARGET_COLUMNS = 'id, org_id, project_id, host, port, database, username, password_encrypted, ssl_mode, read_only';

let processConfig: Config | undefined;

/** TLS as libpq's sslmode means it, the certificate checked against the host name (not the address). */
function tlsOptions(conn: ConnectionRow): false | ConnectionOptions {
  if (conn.ssl_mode === 'disable') return false;
  const servername = isIP(conn.host) ? undefined : conn.host.replace(/\.$/, '');
  // Keys left out rather than undefined: tls.connect spreads them over its defaults.
  const sni = servername ? { servername } : {};
  if (conn.ssl_mode === 'require') return { rejectUnauthorized: false, ...sni };
  if (conn.ssl_mode === 'verify-ca') return { rejectUnauthorized: true, ...sni, checkServerIdentity: () => undefined };
  return { rejectUnauthorized: true, ...sni };
}

/** A connected client on the target with the session settings applied; the caller ends it. */
export async function connectTarget(conn: ConnectionRow, opts: TargetSessionOptions): Promise<pg.Client> {
  const config = opts.config ?? (processConfig ??= loadConfig());
  const policy = targetPolicy(config);
  if (hostFormProblem(conn.host) || portProblem(conn.port, policy)) throw new TargetError('TARGET_REFUSED');
  const resolved = await resolveTarget(conn.host, policy, opts.lookup ?? systemLookup);
  if (!resolved.ok) throw new TargetError(resolved.unresolved ? 'HOST_NOT_FOUND' : 'TARGET_REFUSED');

  let password: string | undefined;
  try {
    password = conn.password_encrypted ? decryptPassword(config, conn.id, conn.password_encrypted) : undefined;
  } catch {
    throw new TargetError('CREDENTIALS_UNREADABLE');
  }
  const ssl = tlsOptions(conn);
  const client = new pg.Client({
    // The checked address, so the driver resolves nothing itself.
    host: resolved.addresses[0],
    port: conn.port,
    database: conn.database,
    user: conn.username,
    password,
    ssl,
    application_name: opts.applicationName.slice(0, 63),
    statement_timeout: opts.statementTimeoutMs ?? 60_000,
    lock_timeout: opts.lockTimeoutMs ?? 2_000,
    idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? 60_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
  });
  // A target dropping the session later must not crash the process: the query in flight fails.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw toTargetError(err, conn.ssl_mode);
  }
  try {
    if (opts.ownDb) await refuseSelf(client, opts.ownDb);
    // A read-only connection stays read-only whatever the caller asks.
    if (opts.readOnly || conn.read_only) await client.query('SET default_transaction_read_only = on');
  } catch (err) {
    await client.end().catch(() => undefined);
    throw toTargetError(err, conn.ssl_mode);
  }
  return client;
}

/** Same cluster (system identifier) and same database name as ours: the API's own database. */
async function refuseSelf(target: pg.Client, ownDb: Queryable): Promise<void> {
  const ours = await ownDatabaseIdentity(ownDb);
  let theirs: { system_identifier: string; database: string } | undefined;
  try {
    ({ rows: [theirs] } = await target.query<{ system_identifier: string; database: string }>('SELECT system_identifier::text, current_database() AS database FROM pg_control_system()'));
  } catch {
    // pg_control_system() is readable by any role since PostgreSQL 10; a server without it is not ours.
    return;
  }
  if (theirs && theirs.system_identifier === ours.systemIdentifier && theirs.database === ours.database) throw new TargetError('SELF_TARGET');
}
