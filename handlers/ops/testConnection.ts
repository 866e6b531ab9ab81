import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Handler, SecuredCtx } from '../../src/handler';
import type { ConnectionTestJson } from './connection-row';
import { findConnection } from './connection-store';
import { requireProjectPermission } from './permissions';
import { connectTarget, type ConnectionRow } from './target/connect-target';
import { TargetError, targetErrorCode } from './target/target-errors';
import { systemLookup, type TargetLookup } from './target/target-policy';

/** The whole test (resolve, connect, one query) answers within this, under the documented 10 s. */
const BUDGET_MS = 9_000;

const PROBE = `SELECT current_setting('server_version') AS server_version, current_user AS current_user,
  r.rolsuper AS is_superuser, r.rolcreatedb AS can_create, r.rolcreaterole AS can_createrole, pg_is_in_recovery() AS in_recovery
  FROM pg_roles r WHERE r.rolname = current_user`;

type Probe = Omit<ConnectionTestJson, 'ok' | 'error_code' | 'latency_ms' | 'tested_at'>;

async function probe(ctx: SecuredCtx, conn: ConnectionRow, lookup: TargetLookup): Promise<Probe> {
  let client: pg.Client | undefined;
  const work = (async () => {
    client = await connectTarget(conn, {
      applicationName: `auralith/test/${conn.id}`,
      statementTimeoutMs: 3_000,
      connectTimeoutMs: 5_000,
      readOnly: true,
      config: ctx.config,
      lookup,
      ownDb: ctx.db,
    });
    const { rows } = await client.query<Probe>(PROBE);
    return rows[0];
  })();
  // Whatever happens, and whenever: the session is closed (also one that connects after the deadline).
  work.then(() => client?.end(), () => client?.end()).catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new TargetError('TIMEOUT')), BUDGET_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** With the name resolver injected (the rebinding tests resolve names without DNS). */
export const testConnectionWith =
  (lookup: TargetLookup = systemLookup): Handler<'testConnection'> =>
  async (ctx, req) => {
    const conn = await findConnection(ctx.db, ctx.principal, req.params.id, { withSecret: true });
    await requireProjectPermission(ctx.db, ctx.principal, conn.project_id, 'connections.write');
    const started = performance.now();
    let result: ConnectionTestJson;
    try {
      const found = await probe(ctx, { ...conn, password_encrypted: conn.password_encrypted ?? null }, lookup);
      result = { ok: true, error_code: null, ...found, latency_ms: Math.round(performance.now() - started), tested_at: ctx.clock().toISOString() };
    } catch (err) {
      // The code only: the server's text may quote its configuration, or be anything a hostile server sends.
      const code = targetErrorCode(err, conn.ssl_mode);
      ctx.log.info({ connectionId: conn.id, code }, 'connection test failed');
      result = {
        ok: false, error_code: code, server_version: null, current_user: null, is_superuser: null,
        can_create: null, can_createrole: null, in_recovery: null, latency_ms: null, tested_at: ctx.clock().toISOString(),
      };
    }
    await ctx.db.query('UPDATE connections SET last_test = $2 WHERE id = $1', [conn.id, result]);
    return { status: 200, body: result };
  };

/** Connects now and reports; 200 whether the target answered or not. */
export const testConnection: Handler<'testConnection'> = testConnectionWith();
