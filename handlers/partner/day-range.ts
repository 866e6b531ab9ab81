// Date filters of the partner lists: inclusive `YYYY-MM-DD` pairs in the organisation's time zone,
// as the tickets' debut/fin. [from 00:00, to + 1 day 00:00) local time, computed in SQL from the
// organisation's zone so the range is an index condition on (org_id, <column>).
import type { Sql } from '../../src/db/sql';
import { ApiError } from '../../src/errors';

/** A 400 naming both fields when the range ends before it starts. */
export function checkDayRange(q: Record<string, unknown>, fromName: string, toName: string): void {
  const from = q[fromName] as string | undefined;
  const to = q[toName] as string | undefined;
  if (from === undefined || to === undefined || to >= from) return;
  throw new ApiError('VALIDATION_ERROR', `${toName} (${to}) is before ${fromName} (${from})`, {
    details: [
      { loc: ['query', fromName], msg: `must not be after ${toName}`, type: 'range' },
      { loc: ['query', toName], msg: `must not be before ${fromName}`, type: 'range' },
    ],
  });
}

/** `column` is a column of the list's row `r` (a constant of the handler, never user input). */
export function dayRange(column: string, orgId: string, from: string | undefined, to: string | undefined): Sql[] {
  const zone = 'FROM organisations o WHERE o.id = ';
  const out: Sql[] = [];
  if (from !== undefined) out.push({ strings: [`r.${column} >= (SELECT `, `::date::timestamp AT TIME ZONE o.timezone ${zone}`, '::uuid)'], values: [from, orgId] });
  if (to !== undefined) out.push({ strings: [`r.${column} < (SELECT (`, `::date + 1)::timestamp AT TIME ZONE o.timezone ${zone}`, '::uuid)'], values: [to, orgId] });
  return out;
}
