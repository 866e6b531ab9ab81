// Deciding an execution (or a rollback) left undecided by a crash. The protocol commits the images
// before the target, so:
//   'started'  → the target never committed (it commits only after 'prepared'): aborted.
//   'prepared' → ask the target: txid_status(txid) says committed or aborted (or 'in progress':
//                the old transaction is still open; try later). If the target no longer knows the
//                txid (wraparound, another server after a failover restore), compare rows with
//                the images: rows equal to their after-image and none equal to their before-image
//                → committed; the reverse → aborted; anything else is left for a person.
import type pg from 'pg';
import { decideExecution, imagesFrom, imagesJson, loadExecution, readChanges, type ExecutionRow } from './change-store';
import { quoteTable, type TableName } from './identifiers';
import { loadPatchTarget } from './patch-row';
import { keyMatch } from './statement';
import { mapTargetError } from './target-errors';
import { beginPatchTransaction, rollbackQuietly } from './target-session';

export interface ReconcileResult {
  execution_id: string;
  state: 'started' | 'prepared' | 'committed' | 'aborted';
  decided_by?: 'txid_status' | 'row_images' | 'protocol';
  /** Set when nothing could be decided; the execution stays 'prepared'. */
  undecided?: { reason: 'transaction_in_progress' | 'rows_inconclusive'; rows_as_after?: number; rows_as_before?: number };
}

async function compareImages(target: pg.Client, api: pg.Pool, e: ExecutionRow) {
  const { table } = await loadPatchTarget(api, e.patch_id);
  // Read-only in effect, under the settings the images were rendered with; always rolled back.
  await beginPatchTransaction(target, e.session_settings);
  try {
    return await countMatches(target, api, e.id, table);
  } finally {
    await rollbackQuietly(target);
  }
}

async function countMatches(target: pg.Client, api: pg.Pool, executionId: string, table: TableName) {
  let asAfter = 0;
  let asBefore = 0;
  let informative = 0;
  for await (const batch of readChanges(api, executionId)) {
    const key = Object.keys(JSON.parse(batch[0].pk) as object);
    const t = quoteTable(table);
    const res = await target.query<{ informative: number; as_after: number; as_before: number }>(
      `SELECT count(*)::int AS informative,
              count(*) FILTER (WHERE x.cur IS NOT DISTINCT FROM u.a::jsonb)::int AS as_after,
              count(*) FILTER (WHERE x.cur IS NOT DISTINCT FROM u.b::jsonb)::int AS as_before
         FROM ${imagesFrom('$1')}
        CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, u.pk) AS p
         LEFT JOIN LATERAL (SELECT to_jsonb(t.*) AS cur FROM ${t} AS t WHERE ${keyMatch(key, 't', 'p')}) AS x ON true
        WHERE u.b::jsonb IS DISTINCT FROM u.a::jsonb`,
      [imagesJson(batch)],
    );
    asAfter += res.rows[0].as_after;
    asBefore += res.rows[0].as_before;
    informative += res.rows[0].informative;
  }
  return { asAfter, asBefore, informative };
}

export async function reconcileExecution(
  target: pg.Client,
  api: pg.Pool,
  executionId: string,
  opts: { useTxidStatus?: boolean } = {},
): Promise<ReconcileResult> {
  const e = await loadExecution(api, executionId);
  if (e.state === 'committed' || e.state === 'aborted') return { execution_id: e.id, state: e.state };
  if (e.state === 'started') {
    await decideExecution(api, e.id, 'aborted', 'protocol', { code: 'WORKER_LOST' });
    return { execution_id: e.id, state: (await loadExecution(api, e.id)).state, decided_by: 'protocol' };
  }
  try {
    if (opts.useTxidStatus !== false && e.target_txid !== null) {
      const st = (await target.query<{ s: string | null }>('SELECT txid_status($1::bigint) AS s', [e.target_txid])).rows[0].s;
      if (st === 'in progress') return { execution_id: e.id, state: 'prepared', undecided: { reason: 'transaction_in_progress' } };
      if (st === 'committed' || st === 'aborted') {
        await decideExecution(api, e.id, st, 'txid_status', st === 'aborted' ? { code: 'WORKER_LOST' } : undefined);
        return { execution_id: e.id, state: st, decided_by: 'txid_status' };
      }
    }
    const { asAfter, asBefore, informative } = await compareImages(target, api, e);
    let decided: 'committed' | 'aborted' | undefined;
    if (asAfter > 0 && asBefore === 0) decided = 'committed';
    else if (asBefore > 0 && asAfter === 0) decided = 'aborted';
    // Both outcomes leave the same rows (no rows, or every row written with its own values).
    else if (informative === 0) decided = 'committed';
    if (!decided)
      return { execution_id: e.id, state: 'prepared', undecided: { reason: 'rows_inconclusive', rows_as_after: asAfter, rows_as_before: asBefore } };
    await decideExecution(api, e.id, decided, 'row_images', decided === 'aborted' ? { code: 'WORKER_LOST' } : undefined);
    return { execution_id: e.id, state: decided, decided_by: 'row_images' };
  } catch (err) {
    throw mapTargetError(err);
  }
}
