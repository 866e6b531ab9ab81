// The second half of a CONNECTION_SECRETS_KEY rotation (`npm run admin -- reencrypt-connection-passwords`):
// every password still under the previous key is re-encrypted under the current one, in one
// transaction — a password that neither key opens stops it with nothing changed.
import type pg from 'pg';
import { openSecretWithAny, sealSecret } from '../../../src/crypto/sealed-secret';
import { withTransaction } from '../../../src/db/transaction';
import { connectionSecretsKeys, type ConnectionSecretsConfig } from './connection-secrets';

export async function reencryptConnectionPasswords(db: pg.Pool, config: ConnectionSecretsConfig): Promise<{ connections: number; moved: number; current: number }> {
  const keys = connectionSecretsKeys(config);
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ id: string; password_encrypted: Buffer }>(
      'SELECT id, password_encrypted FROM connections WHERE password_encrypted IS NOT NULL ORDER BY id FOR UPDATE',
    );
    let moved = 0;
    for (const row of rows) {
      let opened: { secret: string; keyIndex: number };
      try {
        opened = openSecretWithAny(keys, row.id, row.password_encrypted);
      } catch {
        throw new Error(`connection ${row.id}: its password opens with neither CONNECTION_SECRETS_KEY nor CONNECTION_SECRETS_KEY_PREVIOUS; nothing was changed`);
      }
      if (opened.keyIndex === 0) continue;
      await tx.query('UPDATE connections SET password_encrypted = $2 WHERE id = $1', [row.id, sealSecret(keys[0], row.id, opened.secret)]);
      moved++;
    }
    return { connections: rows.length, moved, current: rows.length - moved };
  });
}
