// Reading a subscription of the caller's organisation: an id of another one is simply not found.
import type pg from 'pg';
import { notFound } from '../../src/errors';
import { WEBHOOK_COLUMNS, type WebhookRow } from './webhook-row';

export async function findWebhook(db: pg.Pool | pg.PoolClient, orgId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<WebhookRow> {
  const { rows } = await db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND org_id = $2${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id, orgId]);
  if (!rows[0]) throw notFound('Webhook');
  return rows[0];
}

/** Audit metadata names the host only: a URL's path or query may carry the receiver's own token. */
export const auditHost = (url: string) => new URL(url).host;
