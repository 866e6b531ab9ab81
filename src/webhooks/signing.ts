// Standard Webhooks v1 signatures: base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}".
// During a secret rotation every valid secret signs, space-separated, as the specification allows.
import { createHmac } from 'node:crypto';
import { secretKeyBytes } from './secrets';

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', secretKeyBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The three headers of a delivery attempt; timestamp = the attempt's time, in Unix seconds. */
export function webhookHeaders(secrets: readonly string[], id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => sign(s, id, timestamp, body)).join(' '),
  };
}
