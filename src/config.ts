import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { scopes as ALL_SCOPES } from '../generated/operations';

// The environment, parsed once at start. A bad value stops the start with one line naming
// the variable (see README "Configuration" for every variable).

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!values.includes(raw as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
  return raw as T;
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    const u = new URL(raw);
    if (!['postgres:', 'postgresql:'].includes(u.protocol)) throw new Error();
  } catch {
    throw new ConfigError(`${name} must be a postgres:// URL (got an unparsable value)`);
  }
  return raw;
}

/** A 256-bit key, as base64 (44 characters) or hex (64). */
function key256(env: Env, name: string): Buffer | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const bytes = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (bytes.length !== 32) throw new ConfigError(`${name} must be 32 bytes, base64 or hex encoded (e.g. \`openssl rand -base64 32\`)`);
  return bytes;
}

/** Comma-separated exact origins (`https://app.example.com`: scheme, host, port), as browsers send them. */
function origins(env: Env, name: string): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((item) => {
    const origin = item.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`${name} must be comma-separated origins like https://app.example.com — scheme, lowercase host and port only, no path or trailing slash, no * (got "${origin}")`);
    }
    return origin;
  });
}

/** Comma-separated CIDR blocks (`10.1.0.0/16,fd12::/64`); a bare address is its own /32 or /128. */
function cidrs(env: Env, name: string): ReadonlyArray<{ network: string; prefix: number; family: 'ipv4' | 'ipv6' }> {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((item) => {
    const [network, prefixText, ...rest] = item.trim().split('/');
    const family = isIP(network);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || rest.length || (prefixText !== undefined && !/^\d+$/.test(prefixText)) || prefix > max) {
      throw new ConfigError(`${name} must be comma-separated CIDR blocks like 10.20.0.0/16 or fd00:1::/64 (got "${item.trim()}")`);
    }
    return { network, prefix, family: family === 4 ? 'ipv4' : 'ipv6' } as const;
  });
}

/** Comma-separated TCP ports. */
function ports(env: Env, name: string, fallback: readonly number[]): readonly number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((item) => {
    const n = Number(item.trim());
    if (!/^\d+$/.test(item.trim()) || n < 1 || n > 65535) throw new ConfigError(`${name} must be comma-separated ports between 1 and 65535 (got "${item.trim()}")`);
    return n;
  });
}

/** Loopback database targets: tests and development only (the API's own server is usually there). */
function targetsAllowLoopback(env: Env, nodeEnv: string, production: boolean): boolean {
  const allowed = bool(env, 'DB_TARGETS_ALLOW_LOOPBACK', nodeEnv === 'test');
  if (allowed && production) throw new ConfigError('DB_TARGETS_ALLOW_LOOPBACK must not be set in production');
  return allowed;
}

function insecureWebhookUrls(env: Env, production: boolean): boolean {
  const allowed = bool(env, 'WEBHOOKS_ALLOW_INSECURE_URLS', false);
  if (allowed && production) throw new ConfigError('WEBHOOKS_ALLOW_INSECURE_URLS must not be set in production');
  return allowed;
}

/**
 * The identity provider whose JWTs are bearer tokens (README "Sign in with an identity provider").
 * Unset JWT_ISSUER: no JWT is accepted. A plain http issuer or key-set URL only outside production.
 */
function jwtConfig(env: Env, production: boolean) {
  const issuer = env.JWT_ISSUER?.trim();
  if (!issuer) return undefined;
  const httpUrl = (name: string, raw: string) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new ConfigError(`${name} must be an https:// URL (got "${raw}")`);
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && !production)) throw new ConfigError(`${name} must be an https:// URL${production ? ' in production' : ''} (got "${raw}")`);
    return raw;
  };
  httpUrl('JWT_ISSUER', issuer);
  const publicKey = env.JWT_PUBLIC_KEY?.trim() || undefined;
  if (publicKey) {
    let type: string | undefined;
    try {
      type = publicKey.startsWith('-----BEGIN PUBLIC KEY-----') ? createPublicKey(publicKey).asymmetricKeyType : undefined;
    } catch {
      // reported below
    }
    if (type !== 'rsa' && type !== 'ec') throw new ConfigError('JWT_PUBLIC_KEY must be a PEM RSA or EC public key (-----BEGIN PUBLIC KEY-----), for RS256 or ES256');
  }
  return {
    issuer,
    /** Where the signing keys are fetched, unless JWT_PUBLIC_KEY gives the one key (networkless). */
    jwksUrl: httpUrl('JWT_JWKS_URL', env.JWT_JWKS_URL?.trim() || `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`),
    publicKey,
    audience: env.JWT_AUDIENCE?.trim() || undefined,
    /** Origins accepted in a token's `azp` claim (a token without `azp` passes, as Clerk documents). */
    authorizedParties: origins(env, 'JWT_AUTHORIZED_PARTIES'),
    claims: oneOf(env, 'JWT_CLAIMS', ['clerk', 'oidc'] as const, 'clerk'),
    roleScopes: roleScopes(env, 'JWT_ROLE_SCOPES'),
    clockToleranceS: int(env, 'JWT_CLOCK_TOLERANCE_S', 5, 0, 300),
    /** How long fetched keys serve while the issuer is unreachable; past it JWTs get 503. */
    jwksMaxStaleS: int(env, 'JWT_JWKS_MAX_STALE_S', 600, 1, 86_400),
    /** Requests per 60 s sliding window for each identity-provider user (the organisation's budget applies too). */
    userRateLimitPerMinute: int(env, 'JWT_USER_RATE_LIMIT_PER_MINUTE', 100, 1, 1_000_000_000),
  };
}

const READ_SCOPES = ALL_SCOPES.filter((s) => s.startsWith('read:'));
/** admin: every read scope and webhooks:read; member: every read scope but payments and clients. */
const DEFAULT_ROLE_SCOPES: Readonly<Record<string, readonly string[]>> = {
  admin: [...READ_SCOPES, 'webhooks:read'],
  member: READ_SCOPES.filter((s) => s !== 'read:payments' && s !== 'read:clients'),
};

function roleScopes(env: Env, name: string): Readonly<Record<string, readonly string[]>> {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return DEFAULT_ROLE_SCOPES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be a JSON object of role → scope list, e.g. {"admin":["read:leads"]}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`${name} must be a JSON object of role → scope list`);
  for (const [role, list] of Object.entries(parsed)) {
    if (!Array.isArray(list) || list.some((s) => !(ALL_SCOPES as readonly unknown[]).includes(s))) {
      throw new ConfigError(`${name}: role "${role}" must list known scopes (${ALL_SCOPES.join(', ')})`);
    }
  }
  return parsed as Record<string, readonly string[]>;
}

/** The run worker (src/runs/): a lease must outlive a few heartbeats (one per poll) or a busy worker loses its runs. */
function runsConfig(env: Env) {
  const runPollMs = int(env, 'RUN_POLL_MS', 1000, 10, 60_000);
  const runLeaseMs = int(env, 'RUN_LEASE_MS', 30_000, 500, 3_600_000);
  if (runLeaseMs < 3 * runPollMs) throw new ConfigError(`RUN_LEASE_MS must be at least 3 × RUN_POLL_MS (${3 * runPollMs}), so a lease outlives a missed heartbeat (got "${runLeaseMs}")`);
  return {
    /** Execute runs in this process; `off` when separate `npm run worker` processes do it. */
    runWorker: oneOf(env, 'RUN_WORKER', ['on', 'off'] as const, 'on'),
    /** The worker's tick: lease renewal (which also notices cancels), the lost-worker sweep, claims. NOTIFY wakes it sooner. */
    runPollMs,
    /** How long a run stays a worker's without a heartbeat; past it the run fails with WORKER_LOST. */
    runLeaseMs,
    /** Runs executing at once, per worker. */
    runWorkerConcurrency: int(env, 'RUN_WORKER_CONCURRENCY', 4, 1, 100),
  };
}

const NODE_ENVS = ['development', 'production', 'test'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env) {
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  const production = nodeEnv === 'production';
  return {
    nodeEnv,
    production,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    /** Unset: an embedded PostgreSQL is started with its data under EMBEDDED_PG_DIR. */
    databaseUrl: url(env, 'DATABASE_URL'),
    embeddedPgDir: env.EMBEDDED_PG_DIR || '.data/pg',
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 0, 0, 65535),
    dbPoolMax: int(env, 'DB_POOL_MAX', 10, 1, 1000),
    dbConnectionTimeoutMs: int(env, 'DB_CONNECTION_TIMEOUT_MS', 3000, 100, 600_000),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
    /** Check every response against the spec and log mismatches; off by default in production. */
    validateResponses: bool(env, 'VALIDATE_RESPONSES', !production),
    headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 1000, 600_000),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 20_000, 0, 600_000),
    /** Express "trust proxy": how many proxy hops to trust for the client IP (0 = none). */
    trustProxyHops: int(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    /** Requests per 60 s sliding window for a whole organisation (each key has its own limit too). */
    rateLimitOrgPerMinute: int(env, 'RATE_LIMIT_ORG_PER_MINUTE', 1000, 1, 1_000_000_000),
    /** Browser origins allowed to call /api/* and /health across origins (CORS); none by default. */
    corsAllowedOrigins: origins(env, 'CORS_ALLOWED_ORIGINS'),
    /** Requests per 60 s sliding window for each console user (all their sessions together). */
    sessionRateLimitPerMinute: int(env, 'SESSION_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000_000),
    jwt: jwtConfig(env, production),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    /** Bearer token for GET /metrics; unset: /metrics is off (404). */
    metricsToken: env.METRICS_TOKEN || undefined,
    /** Server-Timing header (database vs total time) on every response; on in development. */
    serverTiming: bool(env, 'SERVER_TIMING', nodeEnv === 'development'),
    /** Creates the demo organisation, owner, key and data on an empty database (never in production unless set). */
    demo: bool(env, 'DEMO', !production),
    demoOwnerPassword: env.DEMO_OWNER_PASSWORD || undefined,
    // Webhooks
    /** Deliver webhooks from this process; `off` when separate `npm run worker` processes do it. */
    webhookWorker: oneOf(env, 'WEBHOOK_WORKER', ['on', 'off'] as const, 'on'),
    /** How often an idle worker looks for due deliveries (a commit also wakes it, via NOTIFY). */
    webhookPollMs: int(env, 'WEBHOOK_POLL_MS', 1000, 10, 60_000),
    /** Deliveries in flight at once, per worker. */
    webhookConcurrency: int(env, 'WEBHOOK_CONCURRENCY', 32, 1, 1000),
    /** The whole HTTP exchange of one attempt, connection included. */
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 1000, 60_000),
    /** Development and tests only: http:// URLs and loopback receivers. Refused in production. */
    webhooksAllowInsecureUrls: insecureWebhookUrls(env, production),
    /** Encrypts signing secrets at rest (AES-256-GCM). Unset outside production: a fixed development key. */
    webhookSecretsKey: key256(env, 'WEBHOOK_SECRETS_KEY'),
    // During a key rotation: the old key, still accepted for reading until
    // `npm run admin -- reencrypt-webhook-secrets` has moved every secret to the new one.
    webhookSecretsKeyPrevious: key256(env, 'WEBHOOK_SECRETS_KEY_PREVIOUS'),
    // Runs (long jobs on customers' databases, src/runs/)
    ...runsConfig(env),
    // Ops: connections to customers' databases (handlers/ops/target/)
    /** Encrypts connection passwords at rest (AES-256-GCM). Unset outside production: a fixed development key. */
    connectionSecretsKey: key256(env, 'CONNECTION_SECRETS_KEY'),
    // During a key rotation: the old key, still accepted for reading until
    // `npm run admin -- reencrypt-connection-passwords` has moved every password to the new one.
    connectionSecretsKeyPrevious: key256(env, 'CONNECTION_SECRETS_KEY_PREVIOUS'),
    /** Private (and other non-public) ranges a database target may be in; none by default. */
    dbTargetsAllowedCidrs: cidrs(env, 'DB_TARGETS_ALLOWED_CIDRS'),
    /** Loopback database targets (127.0.0.0/8, ::1): on in tests, a configuration error in production. */
    dbTargetsAllowLoopback: targetsAllowLoopback(env, nodeEnv, production),
    /** The ports a database target may listen on. */
    dbTargetPorts: ports(env, 'DB_TARGET_PORTS', [5432, 6432]),
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** For entry points: the configuration, or one line naming the bad variable and exit code 1. */
export function loadConfigOrExit(program: string): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${program}: configuration error: ${err.message}\n`);
    process.exit(1);
  }
}
