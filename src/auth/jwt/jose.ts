// jose is ESM-only. Node 20.19+ could require() it, but this CommonJS project's TypeScript setting
// (module node16) refuses a static import of ESM: load it once with import() instead.
export type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
export type { JSONWebKeySet, JWTPayload, JWSHeaderParameters, FlattenedJWSInput } from 'jose' with { 'resolution-mode': 'import' };

let loading: Promise<Jose> | undefined;

export const loadJose = (): Promise<Jose> => (loading ??= import('jose'));
