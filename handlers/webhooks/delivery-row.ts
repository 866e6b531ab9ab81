// One delivery's representation in the delivery log.
import type { components } from '../../generated/openapi-types';

export type DeliveryJson = components['schemas']['WebhookDelivery'];

export const DELIVERY_COLUMNS = `d.id, d.event_id, e.type AS event_type, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,
  d.last_status_code, d.last_error, d.last_duration_ms, d.last_response_body, d.delivered_at, d.failed_at, d.created_at`;

export const DELIVERY_FROM = 'webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id';

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: DeliveryJson['status'];
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  last_response_body: string | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function deliveryJson(row: DeliveryRow): DeliveryJson {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: iso(row.next_attempt_at),
    last_attempt_at: iso(row.last_attempt_at),
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    last_duration_ms: row.last_duration_ms,
    last_response_body: row.last_response_body,
    delivered_at: iso(row.delivered_at),
    failed_at: iso(row.failed_at),
    created_at: row.created_at.toISOString(),
  };
}
