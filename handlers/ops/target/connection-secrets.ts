// Connection passwords at rest: the shared AES-256-GCM scheme (src/crypto/sealed-secret.ts) under
// CONNECTION_SECRETS_KEY, the connection id as associated data, CONNECTION_SECRETS_KEY_PREVIOUS
// still read during a rotation (`npm run admin -- reencrypt-connection-passwords`).
import { createHash } from 'node:crypto';
import type { Config } from '../../../src/config';
import { openSecretWithAny, sealSecret } from '../../../src/crypto/sealed-secret';

export type ConnectionSecretsConfig = Pick<Config, 'production' | 'connectionSecretsKey' | 'connectionSecretsKeyPrevious'>;

/** Used outside production when CONNECTION_SECRETS_KEY is unset: protects nothing, keeps a first run simple. */
export const DEVELOPMENT_CONNECTION_SECRETS_KEY = createHash('sha256').update('aura-api development connection secrets key').digest();

/** The key new passwords are encrypted under; production has no default. */
export function connectionSecretsKey(config: ConnectionSecretsConfig): Buffer {
  if (config.connectionSecretsKey) return config.connectionSecretsKey;
  if (config.production) throw new Error('CONNECTION_SECRETS_KEY is not set: connection passwords cannot be stored or read');
  return DEVELOPMENT_CONNECTION_SECRETS_KEY;
}

/** The keys a stored password may be under: the current one first, then the previous one. */
export function connectionSecretsKeys(config: ConnectionSecretsConfig): Buffer[] {
  return config.connectionSecretsKeyPrevious ? [connectionSecretsKey(config), config.connectionSecretsKeyPrevious] : [connectionSecretsKey(config)];
}

export const encryptPassword = (config: ConnectionSecretsConfig, connectionId: string, password: string): Buffer =>
  sealSecret(connectionSecretsKey(config), connectionId, password);

export const decryptPassword = (config: ConnectionSecretsConfig, connectionId: string, stored: Buffer): string =>
  openSecretWithAny(connectionSecretsKeys(config), connectionId, stored).secret;
