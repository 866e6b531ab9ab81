// One API key's public representation (never the key or its digest), shared by the key operations.
import type { components } from '../../generated/openapi-types';

export type ApiKeyJson = components['schemas']['ApiKey'];

export const API_KEY_COLUMNS = `id, name, description, prefix, scopes, project_id, created_by, created_at, expires_at, revoked_at,
  last_used_at, host(last_used_ip) AS last_used_ip, rate_limit_per_minute`;

export interface ApiKeyRow {
  id: string;
  name: string;
  description: string;
  prefix: string;
  scopes: ApiKeyJson['scopes'];
  project_id: string | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  rate_limit_per_minute: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function apiKeyJson(row: ApiKeyRow, now: Date): ApiKeyJson {
  const status = row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.prefix,
    scopes: row.scopes,
    project_id: row.project_id,
    status,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
    last_used_ip: row.last_used_ip,
    rate_limit_per_minute: row.rate_limit_per_minute,
  };
}
