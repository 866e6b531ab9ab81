import type pg from 'pg';
import { actorOf } from './auth/principal';
import type { Ctx } from './handler';

export interface AuditEntry {
  orgId: string;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
  /** Without a request (the demo bootstrap), the user the action is done for; else it is the system's. */
  onBehalfOf?: string | null;
}

/** Records who did what, in the caller's transaction. The actor comes from the request's principal. */
export async function recordAudit(db: pg.PoolClient | pg.Pool, ctx: Ctx | null, entry: AuditEntry): Promise<void> {
  const p = ctx?.principal;
  const actor: { type: string; id: string | null; metadata?: Record<string, string> } = p
    ? actorOf(p)
    : entry.onBehalfOf
      ? { type: 'user', id: entry.onBehalfOf }
      : { type: 'system', id: null };
  await db.query(
    `INSERT INTO audit_events (org_id, actor_type, actor_id, action, target_type, target_id, ip, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [entry.orgId, actor.type, actor.id, entry.action, entry.targetType ?? null, entry.targetId ?? null, ctx?.ip || null, { ...entry.metadata, ...actor.metadata }],
  );
}
