// Verifies an identity-provider JWT with jose against the configured issuer. Everything wrong
// with the token itself is a 401 (like an unknown API key); an unreachable issuer is a 503, so a
// client retries instead of signing its user out.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Config } from '../../config';
import { ApiError } from '../../errors';
import { invalidCredential } from '../credentials/unauthorized';
import { membershipOf, type Membership } from './claims';
import { loadJose, type Jose, type JWTPayload } from './jose';
import { IssuerUnreachable, RemoteKeySet } from './key-set';

type JwtConfig = NonNullable<Config['jwt']>;

/** Asymmetric only: no `none`, and no HS256 "signed" with the public key (algorithm confusion). */
export const ALGORITHMS = ['RS256', 'ES256'];
const KID_COOLDOWN_MS = 10_000;
const FETCH_TIMEOUT_MS = 5_000;

export interface VerifiedToken extends Membership {
  issuer: string;
  subject: string;
}

export class JwtVerifier {
  private readonly keys: RemoteKeySet | KeyObject;

  constructor(private readonly cfg: JwtConfig) {
    this.keys = cfg.publicKey
      ? createPublicKey(cfg.publicKey)
      : new RemoteKeySet(cfg.jwksUrl, { maxStaleMs: cfg.jwksMaxStaleS * 1000, cooldownMs: KID_COOLDOWN_MS, timeoutMs: FETCH_TIMEOUT_MS });
  }

  async verify(token: string, now: Date): Promise<VerifiedToken> {
    const { cfg, keys } = this;
    const { decodeJwt, errors, jwtVerify } = await loadJose();
    let payload: JWTPayload;
    try {
      // Unverified first look: a malformed token or another issuer's never costs a key fetch.
      if (decodeJwt(token).iss !== cfg.issuer) throw new errors.JWTClaimValidationFailed('unexpected "iss" claim value', {}, 'iss', 'check_failed');
      const key = keys instanceof RemoteKeySet ? (h: Parameters<RemoteKeySet['getKey']>[0], t: Parameters<RemoteKeySet['getKey']>[1]) => keys.getKey(h, t, now.getTime()) : keys;
      ({ payload } = await jwtVerify(token, key, {
        issuer: cfg.issuer,
        audience: cfg.audience,
        algorithms: ALGORITHMS,
        clockTolerance: cfg.clockToleranceS,
        currentDate: now,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (err) {
      if (err instanceof IssuerUnreachable) {
        throw new ApiError('SERVICE_UNAVAILABLE', 'The identity provider cannot be reached to check this token; retry shortly', { headers: { 'Retry-After': '5' } });
      }
      if (err instanceof errors.JOSEError) throw invalidCredential(`The token is not valid: ${reason(errors, err)}`);
      throw err;
    }
    // jose accepts an `iat` in the future; a token issued later than now (beyond the skew) is forged or from a broken clock.
    if ((payload.iat as number) > now.getTime() / 1000 + cfg.clockToleranceS) throw invalidCredential('The token is not valid: "iat" is in the future');
    if (typeof payload.azp === 'string' && !cfg.authorizedParties.includes(payload.azp)) {
      throw invalidCredential('The token is not valid: its "azp" is not one of JWT_AUTHORIZED_PARTIES');
    }
    const membership = membershipOf(payload, cfg.claims);
    if (membership.pending) throw invalidCredential('The token is not valid: the session is pending (sts=pending); choose an organisation first');
    return { issuer: cfg.issuer, subject: payload.sub!, ...membership };
  }
}

/** A short, safe reason (jose's messages name the claim, never the key). */
function reason(errors: Jose['errors'], err: InstanceType<Jose['errors']['JOSEError']>): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key of the identity provider matches its "kid"';
  if (err instanceof errors.JOSEAlgNotAllowed) return `the algorithm is not allowed (${ALGORITHMS.join(' or ')})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match';
  return err.message;
}

const verifiers = new WeakMap<JwtConfig, JwtVerifier>();

/** One verifier (one key cache) per configuration, i.e. per app instance. */
export function verifierFor(cfg: JwtConfig): JwtVerifier {
  let v = verifiers.get(cfg);
  if (!v) verifiers.set(cfg, (v = new JwtVerifier(cfg)));
  return v;
}
