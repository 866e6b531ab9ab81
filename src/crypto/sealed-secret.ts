// Secrets at rest: AES-256-GCM under a server key, a row's id as associated data so a ciphertext
// copied onto another row does not decrypt. Used by webhook signing secrets and by the ops
// module's connection passwords; each keeps its own key (WEBHOOK_SECRETS_KEY, CONNECTION_SECRETS_KEY).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Layout: version (1 byte) | iv (12) | ciphertext | tag (16). */
export function sealSecret(key: Buffer, associatedData: string, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
}

export function openSecret(key: Buffer, associatedData: string, stored: Buffer): string {
  if (stored[0] !== VERSION) throw new Error(`unknown sealed secret format ${stored[0]}`);
  const iv = stored.subarray(1, 1 + IV_BYTES);
  const tag = stored.subarray(stored.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES, stored.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/**
 * Decrypts with the first of `keys` that opens it (GCM's tag tells a wrong key): during a key
 * rotation secrets are under either key until they are re-encrypted. Also says which key it was.
 */
export function openSecretWithAny(keys: Buffer[], associatedData: string, stored: Buffer): { secret: string; keyIndex: number } {
  let lastError: unknown;
  for (const [keyIndex, key] of keys.entries()) {
    try {
      return { secret: openSecret(key, associatedData, stored), keyIndex };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
