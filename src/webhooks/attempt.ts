// One attempt of one claimed delivery: build the payload, sign it with every valid secret,
// POST it, record the outcome. Used by the worker and by the API's retry and test operations.
import type pg from 'pg';
import { recordOutcome, type ClaimedDelivery, type RecordMode, type Recorded } from './delivery-store';
import type { DeliveryAgents } from './guarded-agent';
import { decryptSecretWithAny } from './secrets';
import { postWebhook, type SendOutcome } from './sender';
import { webhookHeaders } from './signing';
import type { UrlPolicy } from './url-policy';

export interface AttemptDeps {
  pool: pg.Pool;
  clock: () => Date;
  agents: DeliveryAgents;
  policy: UrlPolicy;
  timeoutMs: number;
  /** WEBHOOK_SECRETS_KEY, then WEBHOOK_SECRETS_KEY_PREVIOUS during a key rotation. */
  secretsKeys: Buffer[];
}

/** The body every attempt of an event sends, byte for byte. */
export function payloadOf(claim: Pick<ClaimedDelivery, 'event_id' | 'event_type' | 'event_created_at' | 'event_data'>): string {
  return JSON.stringify({ id: claim.event_id, type: claim.event_type, timestamp: claim.event_created_at.toISOString(), data: claim.event_data });
}

/** The current secret, and the previous one while it is still valid after a rotation. */
export function signingSecrets(claim: ClaimedDelivery, keys: Buffer[], now: Date): string[] {
  const secrets = [decryptSecretWithAny(keys, claim.endpoint_id, claim.secret_encrypted).secret];
  if (claim.previous_secret_encrypted && claim.previous_secret_expires_at && claim.previous_secret_expires_at > now) {
    secrets.push(decryptSecretWithAny(keys, claim.endpoint_id, claim.previous_secret_encrypted).secret);
  }
  return secrets;
}

export async function attemptDelivery(
  deps: AttemptDeps,
  claim: ClaimedDelivery,
  claimant: string,
  mode: RecordMode,
): Promise<{ outcome: SendOutcome; recorded: Recorded }> {
  const body = payloadOf(claim);
  const at = deps.clock();
  let outcome: SendOutcome;
  try {
    const headers = webhookHeaders(signingSecrets(claim, deps.secretsKeys, at), claim.event_id, at, body);
    outcome = await postWebhook(claim.url, body, headers, { timeoutMs: deps.timeoutMs, policy: deps.policy, agents: deps.agents, now: deps.clock });
  } catch {
    // Only signing can throw (postWebhook returns every failure): a secret that does not decrypt
    // under WEBHOOK_SECRETS_KEY (nor WEBHOOK_SECRETS_KEY_PREVIOUS). The attempt fails visibly and is retried like any other.
    outcome = { ok: false, statusCode: null, durationMs: 0, responseBody: null, error: 'not sent: the signing secret could not be read (a server-side configuration problem)', retryAfterSeconds: null };
  }
  const recorded = await recordOutcome(deps.pool, claim, claimant, outcome, deps.clock(), mode);
  return { outcome, recorded };
}
