// The demo connection's password, stored encrypted like every connection password: AES-256-GCM
// with the connection id as associated data (the scheme of src/webhooks/secrets.ts), under
// CONNECTION_SECRETS_KEY — or, outside production without one, a fixed development key.
// MERGE NOTE: the connections work owns connection secrets (src/config.ts CONNECTION_SECRETS_KEY,
// its encryption helper); this file should call that helper once it lands, so the demo's
// ciphertext is exactly what the target connector decrypts.
import { createHash } from 'node:crypto';
import { encryptSecret } from '../../../src/webhooks/secrets';

export const DEVELOPMENT_CONNECTION_SECRETS_KEY = createHash('sha256').update('aura-api development connection secrets key').digest();

function connectionSecretsKey(env: Record<string, string | undefined> = process.env): Buffer {
  const raw = env.CONNECTION_SECRETS_KEY;
  if (!raw) return DEVELOPMENT_CONNECTION_SECRETS_KEY;
  return /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
}

export const encryptDemoPassword = (connectionId: string, password: string): Buffer => encryptSecret(connectionSecretsKey(), connectionId, password);
