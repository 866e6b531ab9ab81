// A stand-in identity provider for tests: key pairs made here, a JWKS served on 127.0.0.1 (port 0)
// that can rotate or go down, and tokens signed like Clerk's or a plain OIDC issuer's.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadJose, type Jose } from '../../src/auth/jwt/jose';

type KeyPair = Awaited<ReturnType<Jose['generateKeyPair']>>;

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  pair: KeyPair;
}

export class IdentityProvider {
  /** The keys the JWKS endpoint publishes now. */
  published: SigningKey[] = [];
  /** When true the JWKS endpoint answers 503 (the issuer is down). */
  down = false;
  /** JWKS requests served (answered or refused). */
  fetches = 0;
  issuer = '';
  private server!: Server;

  static async start(): Promise<IdentityProvider> {
    const idp = new IdentityProvider();
    const jose = await loadJose();
    idp.server = createServer(async (req, res) => {
      idp.fetches += 1;
      if (idp.down || req.url !== '/.well-known/jwks.json') {
        res.writeHead(idp.down ? 503 : 404).end();
        return;
      }
      const keys = await Promise.all(idp.published.map(async (k) => ({ ...(await jose.exportJWK(k.pair.publicKey)), kid: k.kid, alg: k.alg, use: 'sig' })));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => idp.server.listen(0, '127.0.0.1', resolve));
    idp.issuer = `http://127.0.0.1:${(idp.server.address() as AddressInfo).port}`;
    return idp;
  }

  async newKey(alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
    const jose = await loadJose();
    return { kid: `kid-${randomUUID()}`, alg, pair: await jose.generateKeyPair(alg, { extractable: true }) };
  }

  /**
   * A signed token: `iss`, `sub`, `iat` (now), `exp` (now + 60 s, as Clerk's) unless `claims`
   * overrides them; `null` in claims removes one.
   */
  async sign(key: SigningKey, nowMs: number, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    const jose = await loadJose();
    const now = Math.floor(nowMs / 1000);
    const payload: Record<string, unknown> = { iss: this.issuer, sub: `user_${randomUUID()}`, iat: now, nbf: now, exp: now + 60, ...claims };
    for (const [k, v] of Object.entries(payload)) if (v === null) delete payload[k];
    return new jose.SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.pair.privateKey);
  }

  async publicPem(key: SigningKey): Promise<string> {
    return (await loadJose()).exportSPKI(key.pair.publicKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** base64url of a JSON value (to forge headers and payloads). */
export const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
