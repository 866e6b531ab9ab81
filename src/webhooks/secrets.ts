// Signing secrets: `whsec_` + base64 of 32 random bytes (Standard Webhooks). Shown once; stored
// encrypted with AES-256-GCM under WEBHOOK_SECRETS_KEY, the endpoint id as associated data so a
// ciphertext copied onto another endpoint does not decrypt.
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key a `whsec_…` secret stands for. */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** Used outside production when WEBHOOK_SECRETS_KEY is unset: protects nothing, keeps a first run simple. */
export const DEVELOPMENT_SECRETS_KEY = createHash('sha256').update('aura-api development webhook secrets key').digest();

// The AES-256-GCM scheme is shared (src/crypto/sealed-secret.ts): the endpoint id is the associated data.
export { sealSecret as encryptSecret, openSecret as decryptSecret, openSecretWithAny as decryptSecretWithAny } from '../crypto/sealed-secret';
