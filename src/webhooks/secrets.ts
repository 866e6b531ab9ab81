// Signing secrets: `whsec_` + base64 of 32 random bytes (Standard Webhooks). Shown once; stored
// encrypted with AES-256-GCM under WEBHOOK_SECRETS_KEY, the endpoint id as associated data so a
// ciphertext copied onto another endpoint does not decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key a `whsec_…` secret stands for. */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** Used outside production when WEBHOOK_SECRETS_KEY is unset: protects nothing, keeps a first run simple. */
export const DEVELOPMENT_SECRETS_KEY = createHash('sha256').update('aura-api development webhook secrets key').digest();

/** Layout: version (1 byte) | iv (12) | ciphertext | tag (16). */
export function encryptSecret(key: Buffer, endpointId: string, secret: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(endpointId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
}

/**
 * Decrypts with the first of `keys` that opens it (GCM's tag tells a wrong key): during a key
 * rotation secrets are under either key until they are re-encrypted. Also says which key it was.
 */
export function decryptSecretWithAny(keys: Buffer[], endpointId: string, stored: Buffer): { secret: string; keyIndex: number } {
  let lastError: unknown;
  for (const [keyIndex, key] of keys.entries()) {
    try {
      return { secret: decryptSecret(key, endpointId, stored), keyIndex };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

export function decryptSecret(key: Buffer, endpointId: string, stored: Buffer): string {
  if (stored[0] !== VERSION) throw new Error(`unknown webhook secret format ${stored[0]}`);
  const iv = stored.subarray(1, 1 + IV_BYTES);
  const tag = stored.subarray(stored.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES, stored.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
