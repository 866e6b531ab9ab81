// Creating a key, shared by POST /api/v1/api-keys, the admin CLI and the demo bootstrap:
// the row and its audit event, in the caller's transaction. Returns the plaintext once.
import type pg from 'pg';
import { recordAudit } from '../../src/audit';
import { generateApiKey } from '../../src/auth/api-key-format';
import { defaultRateLimitPerMinute } from '../../src/auth/key-defaults';
import type { Ctx } from '../../src/handler';
import { API_KEY_COLUMNS } from './api-key-row';

export interface NewApiKey {
  orgId: string;
  name: string;
  description?: string;
  scopes: string[];
  /** Bound to this ops project (checked by the caller: the organisation's, project scopes only). */
  projectId?: string | null;
  createdBy: string | null;
  expiresAt?: string | Date | null;
  /** Omitted: the default of its scopes (src/auth/key-defaults.ts). */
  rateLimitPerMinute?: number;
  now: Date;
}

const INSERT_SQL = `
  INSERT INTO api_keys (org_id, name, description, prefix, key_hash, scopes, created_by, created_at, expires_at, rate_limit_per_minute, project_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  RETURNING ${API_KEY_COLUMNS}`;

export async function insertApiKey(tx: pg.PoolClient, ctx: Ctx | null, k: NewApiKey) {
  const { key, prefix, hash } = generateApiKey();
  const rate = k.rateLimitPerMinute ?? defaultRateLimitPerMinute(k.scopes);
  const { rows } = await tx.query(INSERT_SQL, [k.orgId, k.name, k.description ?? '', prefix, hash, k.scopes, k.createdBy, k.now, k.expiresAt ?? null, rate, k.projectId ?? null]);
  await recordAudit(tx, ctx, {
    orgId: k.orgId,
    action: 'api_key.created',
    targetType: 'api_key',
    targetId: rows[0].id,
    metadata: { name: k.name, prefix, scopes: k.scopes, project_id: k.projectId ?? null, expires_at: k.expiresAt ?? null, rate_limit_per_minute: rate },
    // One truth with the key's created_by: a key made for a user outside a request is that user's act.
    onBehalfOf: k.createdBy,
  });
  return { row: rows[0], key };
}
