// The identity provider's signing keys, fetched from its JWKS URL and kept in memory. Timed by the
// request clock (not jose's Date.now cache), so the bounds are the same in tests as in production:
// - keys younger than JWT_JWKS_MAX_STALE_S serve without any fetch (an issuer outage is invisible);
// - older ones are fetched again before use; when that fails the issuer is unreachable (503), and
//   for a cooldown the next requests get that answer at once instead of each waiting on a fetch;
// - a token whose `kid` is unknown refetches (key rotation), at most once per cooldown.
import { loadJose, type FlattenedJWSInput, type Jose, type JSONWebKeySet, type JWSHeaderParameters } from './jose';

/** The issuer's keys could not be fetched and no usable cached ones are left. */
export class IssuerUnreachable extends Error {}

type LocalSet = ReturnType<Jose['createLocalJWKSet']>;
type Key = Awaited<ReturnType<LocalSet>>;

export interface KeySetOptions {
  maxStaleMs: number;
  /** Least time between two fetches caused by unknown `kid`s (forged kids cannot hammer the issuer). */
  cooldownMs: number;
  timeoutMs: number;
}

export class RemoteKeySet {
  private local: LocalSet | undefined;
  private fetchedAtMs = -Infinity;
  private attemptedAtMs = -Infinity;
  private pending: Promise<void> | undefined;
  private failure: IssuerUnreachable | undefined;

  constructor(
    private readonly url: string,
    private readonly opts: KeySetOptions,
  ) {}

  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput, nowMs: number): Promise<Key> {
    const { errors } = await loadJose();
    if (!this.local || nowMs - this.fetchedAtMs >= this.opts.maxStaleMs) await this.reload(nowMs);
    try {
      return await this.local!(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || nowMs - this.attemptedAtMs < this.opts.cooldownMs) throw err;
      await this.reload(nowMs);
      return this.local!(header, token);
    }
  }

  /** One fetch at a time; concurrent callers share it. */
  private async reload(nowMs: number): Promise<void> {
    if (this.failure && nowMs - this.attemptedAtMs < this.opts.cooldownMs) throw this.failure;
    this.pending ??= this.fetchKeys(nowMs).finally(() => (this.pending = undefined));
    await this.pending;
  }

  private async fetchKeys(nowMs: number): Promise<void> {
    this.attemptedAtMs = nowMs;
    let jwks: JSONWebKeySet;
    try {
      const res = await fetch(this.url, { headers: { accept: 'application/json, application/jwk-set+json' }, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      jwks = (await res.json()) as JSONWebKeySet;
      this.local = (await loadJose()).createLocalJWKSet(jwks);
    } catch (cause) {
      throw (this.failure = new IssuerUnreachable(`The identity provider's keys (${this.url}) could not be fetched: ${(cause as Error).message}`, { cause }));
    }
    this.failure = undefined;
    this.fetchedAtMs = nowMs;
  }
}
