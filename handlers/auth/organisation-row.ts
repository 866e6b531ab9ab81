import { POS_API_ACCESS_SQL } from '../pos/access-policy';
import type { components } from '../../generated/openapi-types';

export type OrganisationJson = components['schemas']['Organisation'];

/** Columns of `organisations o`, prefixed `org_`, for organisationJson(). */
export const ORG_COLUMNS = `o.id AS org_id, o.name AS org_name, o.slug AS org_slug, o.edition AS org_edition,
  o.timezone AS org_timezone, ${POS_API_ACCESS_SQL} AS org_api_access`;

export interface OrgRow {
  org_id: string;
  org_name: string;
  org_slug: string;
  org_edition: OrganisationJson['edition'];
  org_timezone: string;
  org_api_access: boolean;
}

export function organisationJson(row: OrgRow): OrganisationJson {
  return { id: row.org_id, name: row.org_name, slug: row.org_slug, edition: row.org_edition, api_access: row.org_api_access, timezone: row.org_timezone };
}
