// The API database's side of the two-commit protocol: executions and their row images
// (sql/migrations/12_patches.sql). Images travel as json text end to end, never parsed here.
import type pg from 'pg';
import { PatchRunError } from './errors';
import { ImageWriter } from './image-writer';

export interface ChangeRow {
  pk: string;
  before: string | null;
  after: string | null;
}

export interface ExecutionRow {
  id: string;
  org_id: string;
  patch_id: string;
  kind: 'execute' | 'rollback';
  state: 'started' | 'prepared' | 'committed' | 'aborted';
  reverts_execution_id: string | null;
  target_txid: string | null;
  affected_rows: number | null;
  content_hash: string;
  session_settings: Record<string, string>;
}

const BATCH = 5000;

/**
 * Images as one JSON array parameter, built by concatenating their texts (already valid JSON):
 * no parse, no escaping. node-postgres's text[] encoding escapes every element and was the
 * slowest part of a 100k-row patch. SQL reads it as json (not jsonb, which would normalise a
 * json column's text) with json_array_elements.
 */
export function imagesJson(rows: ChangeRow[]): string {
  return `[${rows.map((r) => `{"pk":${r.pk},"b":${r.before ?? 'null'},"a":${r.after ?? 'null'}}`).join(',')}]`;
}

/** `[t1, t2…]` from json texts. */
export function jsonArray(texts: string[]): string {
  return `[${texts.join(',')}]`;
}

/** FROM-clause rows u(ord, pk jsonb, b json, a json) of an imagesJson parameter; b and a are SQL NULL where absent. */
export function imagesFrom(param: string): string {
  return `json_array_elements(${param}::json) WITH ORDINALITY AS u0(x, ord)
    CROSS JOIN LATERAL (SELECT u0.ord, (u0.x->'pk')::jsonb AS pk,
      CASE WHEN json_typeof(u0.x->'b') = 'null' THEN NULL ELSE u0.x->'b' END AS b,
      CASE WHEN json_typeof(u0.x->'a') = 'null' THEN NULL ELSE u0.x->'a' END AS a) AS u`;
}

export async function startExecution(
  api: pg.Pool,
  e: { orgId: string; patchId: string; runId: string | null; kind: 'execute' | 'rollback'; contentHash: string; revertsExecutionId?: string; forced?: boolean },
): Promise<string> {
  try {
    const res = await api.query<{ id: string }>(
      `INSERT INTO patch_executions (org_id, patch_id, run_id, kind, content_hash, reverts_execution_id, forced)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [e.orgId, e.patchId, e.runId, e.kind, e.contentHash, e.revertsExecutionId ?? null, e.forced ?? false],
    );
    return res.rows[0].id;
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw e.kind === 'execute'
        ? new PatchRunError('ALREADY_EXECUTED', 'the patch has already been executed (or is executing)')
        : new PatchRunError('ALREADY_ROLLED_BACK', 'this execution has already been rolled back (or is being rolled back)');
    throw err;
  }
}

/**
 * Commits the images and the target's transaction id, moving 'started' → 'prepared'. Returns
 * false if the execution is no longer 'started' (a reconcile decided it aborted meanwhile): the
 * caller must then roll the target back. (Execute streams its images through an ImageWriter
 * instead; this is for images already in memory, such as a rollback's.)
 */
export async function prepareExecution(
  api: pg.Pool,
  executionId: string,
  txid: string,
  changes: ChangeRow[],
  extra: { conflicts?: unknown[]; sessionSettings?: Record<string, string> } = {},
): Promise<boolean> {
  const images = await ImageWriter.open(api, executionId);
  for (const c of changes) images.add(c.pk, c.before, c.after);
  return images.commit(txid, extra);
}

/** Records the decision; only an undecided execution moves (a decided one keeps its state). */
export async function decideExecution(
  api: pg.Pool,
  executionId: string,
  state: 'committed' | 'aborted',
  decidedBy: 'commit' | 'txid_status' | 'row_images' | 'protocol' | 'error',
  error?: { code: string; details?: Record<string, unknown> },
): Promise<boolean> {
  const res = await api.query(
    `UPDATE patch_executions SET state = $2, decided_by = $3, decided_at = now(), error_code = $4, error_details = $5
      WHERE id = $1 AND state IN ('started', 'prepared')`,
    [executionId, state, decidedBy, error?.code ?? null, error?.details ? JSON.stringify(error.details) : null],
  );
  return res.rowCount === 1;
}

export async function loadExecution(api: pg.Pool, executionId: string): Promise<ExecutionRow> {
  const res = await api.query<ExecutionRow>(
    `SELECT id, org_id, patch_id, kind, state, reverts_execution_id, target_txid::text AS target_txid, affected_rows, content_hash,
            session_settings
       FROM patch_executions WHERE id = $1`,
    [executionId],
  );
  if (res.rowCount === 0) throw new PatchRunError('EXECUTION_NOT_FOUND', 'no such execution');
  return res.rows[0];
}

/** The execution's images in key order of capture, in batches (a 100k-row patch is not loaded at once). */
export async function* readChanges(api: pg.Pool, executionId: string, batch = BATCH): AsyncGenerator<ChangeRow[]> {
  for (let from = 0; ; from += batch) {
    const res = await api.query<ChangeRow>(
      `SELECT pk::text AS pk, before::text AS before, after::text AS after FROM patch_changes
        WHERE execution_id = $1 AND ord > $2 AND ord <= $3 ORDER BY ord`,
      [executionId, from, from + batch],
    );
    if (res.rowCount === 0) return;
    yield res.rows;
  }
}
