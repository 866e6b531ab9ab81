// Who is calling, whatever the credential: resolved by a credential scheme (./credentials), then
// authorised against the operation's `security` (./authorize). Handlers receive it non-null.
import { scopes } from '../../generated/operations';

const ALL_SCOPES: readonly string[] = scopes;

export type Role = 'owner' | 'admin' | 'member';

interface PrincipalBase {
  /** The tenant: every query a handler runs filters on it. */
  orgId: string;
  /** Set when the credential is bound to one project (ops module): it reaches nothing else. */
  projectId: string | null;
}

/** An API key: permissions are its scopes. */
export interface KeyPrincipal extends PrincipalBase {
  kind: 'api_key';
  keyId: string;
  scopes: readonly string[];
}

/** A console user signed in with a session cookie: permissions come from the role. */
export interface SessionPrincipal extends PrincipalBase {
  kind: 'user';
  userId: string;
  sessionId: string;
  role: Role;
}

/**
 * A user of the configured identity provider, bearing its JWT: the organisation comes from the
 * token's organisation claim (through identity_org_links), permissions from its role
 * (JWT_ROLE_SCOPES). Like a key, it reaches the API operations, not the console's.
 */
export interface JwtPrincipal extends PrincipalBase {
  kind: 'jwt_user';
  /** The token's `sub` and `iss`: who, at which provider (no row of ours). */
  subject: string;
  issuer: string;
  role: string;
  scopes: readonly string[];
}

export type Principal = KeyPrincipal | SessionPrincipal | JwtPrincipal;

/** The spec's security schemes (openapi.yaml components.securitySchemes). */
export type SpecScheme = 'ApiKeyHeader' | 'BearerAuth' | 'SessionCookie';

/** Which spec schemes a principal of each kind arrives under: scopes for the first two, roles for the cookie. */
export const SCHEMES_OF: Record<Principal['kind'], readonly SpecScheme[]> = {
  api_key: ['ApiKeyHeader', 'BearerAuth'],
  user: ['SessionCookie'],
  jwt_user: ['BearerAuth'],
};

/**
 * The scopes a principal holds. A key: its own. A console user: by role — owners and admins hold
 * every scope, members every read scope — so data-dependent checks (webhook subscriptions) and
 * `whoami` answer alike for every kind of credential.
 */
export function scopesOf(p: Principal): readonly string[] {
  if (p.kind === 'api_key' || p.kind === 'jwt_user') return p.scopes;
  return p.role === 'member' ? ALL_SCOPES.filter((s) => s.startsWith('read:')) : ALL_SCOPES;
}

export const hasScope = (p: Principal, scope: string) => scopesOf(p).includes(scope);

/**
 * Who did it, for the audit log. An identity-provider user has no row of ours (actor_id is a
 * uuid): actor 'user' with no id, and the issuer and subject in the event's metadata.
 */
export function actorOf(p: Principal): { type: 'api_key' | 'user'; id: string | null; metadata?: Record<string, string> } {
  if (p.kind === 'api_key') return { type: 'api_key', id: p.keyId };
  if (p.kind === 'jwt_user') return { type: 'user', id: null, metadata: { jwt_issuer: p.issuer, jwt_subject: p.subject } };
  return { type: 'user', id: p.userId };
}
