// The credential schemes, in the order they are asked to claim a credential: a more specific
// shape first: the identity provider's JWTs, before API keys take every other bearer token.
import { apiKeyScheme } from './api-key';
import { jwtScheme } from './jwt';
import type { CredentialScheme, Presented } from './scheme';
import { sessionScheme } from './session';

export const credentialSchemes: readonly CredentialScheme[] = [jwtScheme, apiKeyScheme, sessionScheme];

export const schemeFor = (p: Presented): CredentialScheme | undefined => credentialSchemes.find((s) => s.claims(p));

export type { AccessCtx, CredentialScheme, Presented, RequestView, Resolved } from './scheme';
