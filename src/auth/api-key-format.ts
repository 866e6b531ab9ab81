// API keys: "ak_" + 64 lowercase hex. The last 8 hex are a CRC32 of the first 56, so a malformed
// or mistyped key is refused without touching the database, and secret scanners can recognise
// a leaked key. Only the SHA-256 digest is ever stored.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const FORMAT = /^ak_([0-9a-f]{56})([0-9a-f]{8})$/;

const checksum = (body: string) => (crc32(body) >>> 0).toString(16).padStart(8, '0');

export function generateApiKey(): { key: string; prefix: string; hash: Buffer } {
  const body = randomBytes(28).toString('hex');
  const key = `ak_${body}${checksum(body)}`;
  return { key, prefix: displayPrefix(key), hash: hashApiKey(key) };
}

/** Well-formed and its checksum matches. */
export function isWellFormedApiKey(key: string): boolean {
  const m = FORMAT.exec(key);
  return m !== null && checksum(m[1]) === m[2];
}

export const displayPrefix = (key: string) => key.slice(0, 11);

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();
