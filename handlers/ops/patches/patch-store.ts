// Reading a patch the caller can reach (its organisation's, in a project in reach; anything else
// is not found), and checking a patch's content through the engine before anything is stored.
import type pg from 'pg';
import type { Principal } from '../../../src/auth/principal';
import { ApiError, notFound } from '../../../src/errors';
import { reachableProjects } from '../permissions';
import { canonicalizePatch, contentHash, PatchInputError, type CanonicalPatch, type PatchInput } from './engine';
import { PATCH_COLUMNS, type PatchRow } from './patch-json';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export async function findPatch(db: Queryable, principal: Principal, id: string, opts: { forUpdate?: boolean } = {}): Promise<PatchRow> {
  const reach = reachableProjects(principal, 'project_id', 3);
  const { rows } = await db.query<PatchRow>(
    `SELECT ${PATCH_COLUMNS} FROM patches WHERE id = $1 AND org_id = $2 AND ${reach.sql}${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, principal.orgId, ...reach.params],
  );
  if (!rows[0]) throw notFound('Patch');
  return rows[0];
}

/** The engine's canonical patch and its hash; its input errors become a 400 naming the field ('set.price' → body.set.price). */
export async function canonicalOrBadRequest(input: PatchInput): Promise<{ patch: CanonicalPatch; hash: string }> {
  try {
    const patch = await canonicalizePatch(input);
    return { patch, hash: contentHash(patch) };
  } catch (err) {
    if (!(err instanceof PatchInputError)) throw err;
    const [head, ...rest] = err.field.split('.');
    throw new ApiError('VALIDATION_ERROR', `${err.field}: ${err.message}`, {
      details: [{ loc: ['body', head, ...(rest.length ? [rest.join('.')] : [])], msg: err.message, type: err.code.toLowerCase() }],
    });
  }
}

/** Statuses in which a patch has (or may have) changed its target: it can no longer be deleted or dry-run. */
export const RUN_STATUSES: readonly PatchRow['status'][] = ['executing', 'executed', 'rolled_back'];
