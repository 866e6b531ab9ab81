// Who is calling, whatever the credential: resolved by a credential scheme (./credentials), then
// authorised against the operation's `security` (./authorize). Handlers receive it non-null.

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

export type Principal = KeyPrincipal | SessionPrincipal;

/** The spec's security schemes (openapi.yaml components.securitySchemes). */
export type SpecScheme = 'ApiKeyHeader' | 'BearerAuth' | 'SessionCookie';

/** Which spec schemes a principal of each kind arrives under: scopes for the first two, roles for the cookie. */
export const SCHEMES_OF: Record<Principal['kind'], readonly SpecScheme[]> = {
  api_key: ['ApiKeyHeader', 'BearerAuth'],
  user: ['SessionCookie'],
};

/** Who did it, for the audit log. */
export const actorOf = (p: Principal) => (p.kind === 'api_key' ? { type: 'api_key' as const, id: p.keyId } : { type: 'user' as const, id: p.userId });
