import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { checkTarget } from './checked-target';
import { CONNECTION_COLUMNS, connectionJson } from './connection-row';
import { findConnection } from './connection-store';
import { requireProjectPermission } from './permissions';
import { encryptPassword } from './target/connection-secrets';
import { systemLookup, type TargetLookup } from './target/target-policy';

/** What a session on the target depends on: changing any of these makes the last test stale. */
const SESSION_FIELDS = ['host', 'port', 'database', 'username', 'password', 'ssl_mode'] as const;

export const updateConnectionWith =
  (lookup: TargetLookup = systemLookup): Handler<'updateConnection'> =>
  async (ctx, req) => {
    const b = req.body;
    const before = await findConnection(ctx.db, ctx.principal, req.params.id);
    await requireProjectPermission(ctx.db, ctx.principal, before.project_id, 'connections.write');
    const target = { host: b.host ?? before.host, port: b.port ?? before.port, database: b.database ?? before.database };
    if (b.host !== undefined || b.port !== undefined || b.database !== undefined) await checkTarget(ctx, target, lookup);
    // Explicit: a string sets or replaces, null clears, absent keeps.
    const password = b.password === undefined ? 'kept' : b.password === null ? 'cleared' : 'set';
    const encrypted = typeof b.password === 'string' ? encryptPassword(ctx.config, before.id, b.password) : null;
    const stale = SESSION_FIELDS.some((f) => b[f] !== undefined);
    const row = await withTransaction(ctx.db, async (tx) => {
      await findConnection(tx, ctx.principal, before.id, { forUpdate: true });
      const { rows } = await tx.query(
        `UPDATE connections
            SET name = coalesce($2, name), environment = coalesce($3, environment), host = $4, port = $5, database = $6,
                username = coalesce($7, username), ssl_mode = coalesce($8, ssl_mode), read_only = coalesce($9, read_only),
                password_encrypted = CASE WHEN $10 THEN $11 ELSE password_encrypted END,
                last_test = CASE WHEN $12 THEN NULL ELSE last_test END
          WHERE id = $1 RETURNING ${CONNECTION_COLUMNS}`,
        [before.id, b.name ?? null, b.environment ?? null, target.host, target.port, target.database, b.username ?? null,
          b.ssl_mode ?? null, b.read_only ?? null, password !== 'kept', encrypted, stale],
      );
      await recordAudit(tx, ctx, {
        orgId: ctx.principal.orgId,
        action: 'connection.updated',
        targetType: 'connection',
        targetId: before.id,
        metadata: { project_id: before.project_id, name: rows[0].name, host: rows[0].host, changed: Object.keys(b), password },
      });
      return rows[0];
    });
    return { status: 200, body: connectionJson(row) };
  };

/** Changes the given fields; the password only when given (null clears it). */
export const updateConnection: Handler<'updateConnection'> = updateConnectionWith();
