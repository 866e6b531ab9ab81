import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { checkTarget } from './checked-target';
import { CONNECTION_COLUMNS, connectionJson } from './connection-row';
import { requireProjectPermission } from './permissions';
import { encryptPassword } from './target/connection-secrets';
import { systemLookup, type TargetLookup } from './target/target-policy';

/** With the name resolver injected (the SSRF tests resolve names without DNS). */
export const createConnectionWith =
  (lookup: TargetLookup = systemLookup): Handler<'createConnection'> =>
  async (ctx, req) => {
    const b = req.body;
    const target = { host: b.host, port: b.port ?? 5432, database: b.database };
    await requireProjectPermission(ctx.db, ctx.principal, b.project_id, 'connections.write');
    await checkTarget(ctx, target, lookup);
    const id = randomUUID();
    const encrypted = b.password === undefined ? null : encryptPassword(ctx.config, id, b.password);
    const row = await withTransaction(ctx.db, async (tx) => {
      const { rows } = await tx.query(
        `INSERT INTO connections (id, org_id, project_id, name, environment, host, port, database, username, password_encrypted, ssl_mode, read_only, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${CONNECTION_COLUMNS}`,
        [id, ctx.principal.orgId, b.project_id, b.name, b.environment, target.host, target.port, target.database, b.username, encrypted,
          b.ssl_mode ?? 'require', b.read_only ?? false, ctx.principal.kind === 'user' ? ctx.principal.userId : null],
      );
      await recordAudit(tx, ctx, {
        orgId: ctx.principal.orgId,
        action: 'connection.created',
        targetType: 'connection',
        targetId: id,
        metadata: { project_id: b.project_id, name: b.name, host: target.host, password: encrypted ? 'set' : 'none' },
      });
      return rows[0];
    });
    return { status: 201, body: connectionJson(row) };
  };

/** Adds a target to a project; its password is stored encrypted and never shown again. */
export const createConnection: Handler<'createConnection'> = createConnectionWith();
