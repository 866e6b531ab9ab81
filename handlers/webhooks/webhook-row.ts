// One subscription's public representation (never a secret), shared by the webhook operations.
import type { components } from '../../generated/openapi-types';

export type WebhookJson = components['schemas']['Webhook'];

export const WEBHOOK_COLUMNS = `id, project_id, url, events, description, active, disabled_at, disabled_reason, failing_since,
  previous_secret_expires_at, created_at, updated_at`;

export interface WebhookRow {
  id: string;
  /** The project whose events it receives; null for the organisation's own subscriptions. */
  project_id: string | null;
  url: string;
  events: WebhookJson['events'];
  description: string;
  active: boolean;
  disabled_at: Date | null;
  disabled_reason: WebhookJson['disabled_reason'];
  failing_since: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function webhookJson(row: WebhookRow, now: Date): WebhookJson {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    disabled_at: iso(row.disabled_at),
    disabled_reason: row.disabled_reason,
    failing_since: iso(row.failing_since),
    // An expired previous secret no longer signs anything: not worth showing.
    previous_secret_expires_at: row.previous_secret_expires_at && row.previous_secret_expires_at > now ? row.previous_secret_expires_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
