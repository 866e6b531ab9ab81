// Rollback of a committed execution, in one target transaction, with the same two-commit protocol
// as execute (the rollback's own images are committed to the API first, so it can be reconciled
// and itself undone). Each changed row is locked and classified against its images:
//   update: still equal to its after-image → restored to its before-image; equal to its
//           before-image → already restored, left alone; changed or deleted since → a conflict.
//   delete: absent → re-inserted from its before-image (json_populate_record); present and equal
//           to its before-image → already restored; present otherwise → a conflict.
// `force` restores conflicts too (overwrites the later change, or re-inserts a row deleted since).
// `dryRun` does all of it and rolls the target back: the counts and conflicts are what would happen.
import type pg from 'pg';
import {
  decideExecution, imagesFrom, imagesJson, jsonArray, loadExecution, prepareExecution, readChanges, startExecution, type ChangeRow,
} from './change-store';
import { PatchRunError } from './errors';
import type { ExecuteHooks } from './execute';
import { quoteIdent, quoteTable } from './identifiers';
import { loadPatchTarget } from './patch-row';
import { keyMatch, keyObject } from './statement';
import { mapTargetError } from './target-errors';
import { describeTable, type TargetTable } from './target-table';
import { commitTarget } from './target-commit';
import { beginPatchTransaction, rollbackQuietly } from './target-session';

export interface RollbackOptions {
  runId?: string | null;
  force?: boolean;
  dryRun?: boolean;
  /** Test seams, as in execute. */
  hooks?: ExecuteHooks;
}

export interface RollbackConflict {
  pk: Record<string, unknown>;
  reason: 'changed_since' | 'deleted_since' | 'exists_since';
}

export interface RollbackResult {
  /** The rollback's own execution (null for a dry-run). */
  execution_id: string | null;
  dry_run: boolean;
  forced: boolean;
  restored: number;
  reinserted: number;
  already_restored: number;
  conflict_count: number;
  /** The first 100 conflicts (all are stored on the rollback's execution). */
  conflicts: RollbackConflict[];
}

const CONFLICTS_SHOWN = 100;

interface Plan {
  restore: string[]; // before-images to write over the current row
  reinsert: string[]; // before-images to insert
  current: Map<string, string>; // pk text → current image, for the rollback's own before-images
}

async function classify(
  target: pg.Client,
  t: TargetTable,
  tableSql: string,
  operation: 'update' | 'delete',
  batch: ChangeRow[],
  force: boolean,
  out: { already: number; conflicts: RollbackConflict[] },
): Promise<Plan> {
  const values: (string | null)[] = [];
  const pk = keyObject(t.key, (i) => `t.${quoteIdent(t.key[i])}`, values);
  const res = await target.query<{ ord: number; pk: string; cur: string; is_after: boolean | null; is_before: boolean | null }>(
    `SELECT u.ord::int AS ord, ${pk}::text AS pk, c.cur::text AS cur, c.cur::jsonb = u.a::jsonb AS is_after, c.cur::jsonb = u.b::jsonb AS is_before
       FROM ${imagesFrom(`$${values.length + 1}`)}
      CROSS JOIN LATERAL jsonb_populate_record(NULL::${tableSql}, u.pk) AS p
       JOIN ${tableSql} AS t ON ${keyMatch(t.key, 't', 'p')}
      CROSS JOIN LATERAL (SELECT row_to_json(t.*) AS cur) AS c
        FOR UPDATE OF t`,
    [...values, imagesJson(batch)],
  );
  const found = new Map(res.rows.map((r) => [r.ord - 1, r]));
  const plan: Plan = { restore: [], reinsert: [], current: new Map() };
  batch.forEach((change, i) => {
    const row = found.get(i);
    const conflict = (reason: RollbackConflict['reason']) => out.conflicts.push({ pk: JSON.parse(change.pk), reason });
    if (!row) {
      if (operation === 'delete') plan.reinsert.push(change.before!);
      else if (force) {
        conflict('deleted_since');
        plan.reinsert.push(change.before!);
      } else conflict('deleted_since');
      return;
    }
    plan.current.set(row.pk, row.cur);
    if (operation === 'update' && row.is_after) plan.restore.push(change.before!);
    else if (row.is_before) out.already++;
    else {
      conflict(operation === 'update' ? 'changed_since' : 'exists_since');
      if (force) plan.restore.push(change.before!);
    }
  });
  return plan;
}

async function apply(target: pg.Client, t: TargetTable, tableSql: string, plan: Plan): Promise<ChangeRow[]> {
  const out: ChangeRow[] = [];
  const writable = t.columns.filter((c) => !c.generated);
  if (plan.restore.length > 0) {
    const sets = writable
      .filter((c) => !c.identityAlways && !t.key.includes(c.name))
      .map((c) => `${quoteIdent(c.name)} = p.${quoteIdent(c.name)}`);
    const values: (string | null)[] = [];
    const pk = keyObject(t.key, (i) => `aur_t.${quoteIdent(t.key[i])}`, values);
    const res = await target.query<{ pk: string; after: string }>(
      `UPDATE ${tableSql} AS aur_t SET ${sets.join(', ')}
         FROM json_array_elements($${values.length + 1}::json) AS u(b) CROSS JOIN LATERAL json_populate_record(NULL::${tableSql}, u.b) AS p
        WHERE ${keyMatch(t.key, 'aur_t', 'p')}
       RETURNING ${pk}::text AS pk, row_to_json(aur_t.*)::text AS after`,
      [...values, jsonArray(plan.restore)],
    );
    for (const r of res.rows) out.push({ pk: r.pk, before: plan.current.get(r.pk) ?? null, after: r.after });
  }
  if (plan.reinsert.length > 0) {
    const cols = writable.map((c) => quoteIdent(c.name));
    const values: (string | null)[] = [];
    const pk = keyObject(t.key, (i) => `aur_t.${quoteIdent(t.key[i])}`, values);
    const res = await target.query<{ pk: string; after: string }>(
      `INSERT INTO ${tableSql} AS aur_t (${cols.join(', ')}) OVERRIDING SYSTEM VALUE
       SELECT ${cols.map((c) => `p.${c}`).join(', ')}
         FROM json_array_elements($${values.length + 1}::json) AS u(b) CROSS JOIN LATERAL json_populate_record(NULL::${tableSql}, u.b) AS p
       RETURNING ${pk}::text AS pk, row_to_json(aur_t.*)::text AS after`,
      [...values, jsonArray(plan.reinsert)],
    );
    for (const r of res.rows) out.push({ pk: r.pk, before: null, after: r.after });
  }
  return out;
}

export async function rollbackExecution(target: pg.Client, api: pg.Pool, executionId: string, opts: RollbackOptions = {}): Promise<RollbackResult> {
  const force = opts.force === true;
  const dryRun = opts.dryRun === true;
  const exec = await loadExecution(api, executionId);
  if (exec.kind !== 'execute') throw new PatchRunError('NOT_AN_EXECUTION', 'only an execute can be rolled back');
  if (exec.state === 'started' || exec.state === 'prepared')
    throw new PatchRunError('IN_DOUBT', 'the execution is not decided yet; reconcile it first', { execution_id: exec.id });
  if (exec.state === 'aborted') throw new PatchRunError('NOTHING_TO_ROLL_BACK', 'the execution changed nothing');
  const { table, operation } = await loadPatchTarget(api, exec.patch_id);
  const tableSql = quoteTable(table);

  const rbId = dryRun
    ? null
    : await startExecution(api, {
        orgId: exec.org_id, patchId: exec.patch_id, runId: opts.runId ?? null, kind: 'rollback',
        contentHash: exec.content_hash, revertsExecutionId: exec.id, forced: force,
      });
  const tally = { already: 0, conflicts: [] as RollbackConflict[] };
  let changes: ChangeRow[] = [];
  let restored = 0;
  let reinserted = 0;
  try {
    const t = await describeTable(target, table);
    // Rows render as they did when the images were taken (time zone, interval style, currency).
    const sessionSettings = await beginPatchTransaction(target, exec.session_settings);
    const txid = (await target.query<{ txid: string }>('SELECT txid_current()::text AS txid')).rows[0].txid;
    for await (const batch of readChanges(api, exec.id)) {
      const key = Object.keys(JSON.parse(batch[0].pk) as object);
      if (key.join('\u0000') !== t.key.join('\u0000'))
        throw new PatchRunError('TABLE_KEY_CHANGED', "the table's key is not the one the patch recorded rows by", { key: t.key, recorded_key: key });
      const plan = await classify(target, t, tableSql, operation, batch, force, tally);
      restored += plan.restore.length;
      reinserted += plan.reinsert.length;
      changes = changes.concat(await apply(target, t, tableSql, plan));
    }
    await opts.hooks?.afterStatement?.();
    if (dryRun || rbId === null) {
      await rollbackQuietly(target);
    } else if (!(await prepareExecution(api, rbId, txid, changes, { conflicts: tally.conflicts, sessionSettings }))) {
      throw new PatchRunError('EXECUTION_ABORTED', 'the rollback was decided aborted while it ran; nothing was changed');
    }
  } catch (err) {
    await rollbackQuietly(target);
    const failure = mapTargetError(err);
    if (rbId) await decideExecution(api, rbId, 'aborted', 'error', { code: failure.code, details: failure.details }).catch(() => undefined);
    throw failure;
  }

  if (rbId) {
    await commitTarget(api, target, rbId, opts.hooks);
  }
  return {
    execution_id: rbId,
    dry_run: dryRun,
    forced: force,
    restored,
    reinserted,
    already_restored: tally.already,
    conflict_count: tally.conflicts.length,
    conflicts: tally.conflicts.slice(0, CONFLICTS_SHOWN),
  };
}
