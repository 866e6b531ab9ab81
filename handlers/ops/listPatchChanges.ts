// The rows a patch's executions changed, with their images. The page's JSON is built in
// PostgreSQL and sent as is (RawJson): the images are the target's row_to_json text, so a numeric
// past 2^53 or a json column's exact text reaches the client unparsed by JavaScript.
import { cursorTag, decodeCursor, encodeCursor } from '../../src/db/cursor';
import { ApiError } from '../../src/errors';
import { rawJson, type Handler } from '../../src/handler';
import type { components } from '../../generated/openapi-types';
import { findPatch } from './patches/patch-store';
import { requireProjectPermission } from './permissions';

type ChangeList = components['schemas']['PatchChangeList'];

const TAG = cursorTag('patch_changes|e.created_at,e.id,c.ord|asc');
const KEY_TYPES = ['timestamptz', 'uuid', 'bigint'] as const;

export const listPatchChanges: Handler<'listPatchChanges'> = async (ctx, req) => {
  const patch = await findPatch(ctx.db, ctx.principal, req.params.id);
  await requireProjectPermission(ctx.db, ctx.principal, patch.project_id, 'patches.execute');
  const { limit = 50, offset = 0, cursor, execution_id } = req.query;
  if (cursor !== undefined && offset !== 0)
    throw new ApiError('VALIDATION_ERROR', 'cursor and offset cannot be combined: a cursor already says where the page starts', {
      details: [
        { loc: ['query', 'cursor'], msg: 'not with a non-zero offset', type: 'exclusive' },
        { loc: ['query', 'offset'], msg: 'must be 0 (or absent) with a cursor', type: 'exclusive' },
      ],
    });
  const after = cursor !== undefined ? decodeCursor(cursor, TAG, KEY_TYPES) : null;
  // $1 patch, $2 execution filter (or null), $3–$5 the cursor's key (or nulls), $6 limit + 1, $7 offset.
  const { rows } = await ctx.db.query<{ items: string; total: string; fetched: number; last_key: string[] | null }>(
    `WITH page AS (
       SELECT e.created_at AS e_at, e.id AS execution_id, e.kind, c.ord, c.pk, c.before, c.after
         FROM patch_executions e JOIN patch_changes c ON c.execution_id = e.id
        WHERE e.patch_id = $1 AND ($2::uuid IS NULL OR e.id = $2)
          AND ($3::timestamptz IS NULL OR (e.created_at, e.id, c.ord) > ($3::timestamptz, $4::uuid, $5::int))
        ORDER BY e.created_at, e.id, c.ord LIMIT $6 OFFSET $7
     ), numbered AS (SELECT page.*, row_number() OVER (ORDER BY e_at, execution_id, ord) AS rn FROM page)
     SELECT (SELECT coalesce(json_agg(json_build_object('execution_id', execution_id, 'kind', kind, 'ord', ord, 'pk', pk, 'before', before, 'after', after)
                                      ORDER BY rn), '[]'::json)::text
               FROM numbered WHERE rn < $6) AS items,
            (SELECT count(*)::int FROM numbered) AS fetched,
            (SELECT jsonb_build_array(to_char(e_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), execution_id::text, ord::text)
               FROM numbered WHERE rn = $6 - 1) AS last_key,
            (SELECT count(*) FROM patch_executions e JOIN patch_changes c ON c.execution_id = e.id
              WHERE e.patch_id = $1 AND ($2::uuid IS NULL OR e.id = $2))::text AS total`,
    [patch.id, execution_id ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit + 1, offset],
  );
  const r = rows[0];
  const next = r.fetched > limit && r.last_key ? JSON.stringify(encodeCursor(TAG, r.last_key)) : 'null';
  return {
    status: 200,
    body: rawJson<ChangeList>(`{"items":${r.items},"total":${Number(r.total)},"limit":${limit},"offset":${offset},"next_cursor":${next}}`),
  };
};
