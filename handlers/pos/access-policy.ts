// The POS module's rule over whole organisations (seed 000): API access comes with the group
// editions, or with the API add-on. Console sessions are not API access: an owner can always
// sign in, see the keys and buy the add-on.
import type { AccessPolicy } from '../../src/auth/authenticate';
import { ApiError } from '../../src/errors';

const EDITIONS_WITH_API = ['group', 'restaurant_group'];

export const hasPosApiAccess = (org: Readonly<Record<string, unknown>>) => EDITIONS_WITH_API.includes(String(org.edition)) || org.api_addon === true;

/** The same rule in SQL, over the organisations row aliased `o` (the organisation's `api_access`, key creation). */
export const POS_API_ACCESS_SQL = `(o.edition IN (${EDITIONS_WITH_API.map((e) => `'${e}'`).join(', ')}) OR o.api_addon)`;

export const apiAccessDisabled = () => new ApiError('API_ACCESS_DISABLED', "The organisation's edition does not include API access; the API add-on enables it");

export const posApiAccess: AccessPolicy = (principal, org) => (principal.kind !== 'user' && !hasPosApiAccess(org) ? apiAccessDisabled() : undefined);
