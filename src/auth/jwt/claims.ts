// Where a verified token says who the user is in which organisation, per JWT_CLAIMS profile.
// clerk: v2 tokens (`v: 2`) carry `o: {id, rol}` (role without prefix) and `sts`; v1 tokens carry
// `org_id` and `org_role: "org:admin"`. oidc: `org_id` and `role`.
import type { JWTPayload } from './jose';

export interface Membership {
  /** The provider's organisation id; undefined when the token names none. */
  externalOrg: string | undefined;
  role: string | undefined;
  /** Clerk v2 `sts: pending`: the session is not complete (no organisation chosen yet). */
  pending: boolean;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function membershipOf(payload: JWTPayload, profile: 'clerk' | 'oidc'): Membership {
  if (profile === 'oidc') return { externalOrg: str(payload.org_id), role: str(payload.role), pending: false };
  const o = payload.o && typeof payload.o === 'object' ? (payload.o as Record<string, unknown>) : undefined;
  const v1Role = str(payload.org_role);
  return {
    externalOrg: str(o?.id) ?? str(payload.org_id),
    role: str(o?.rol) ?? (v1Role?.startsWith('org:') ? v1Role.slice(4) : v1Role),
    pending: payload.sts === 'pending',
  };
}
