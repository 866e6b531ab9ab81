// Dry-run: the real statement inside a transaction that is always rolled back. It gives the exact
// number of rows, up to 20 {before, after} samples, and surfaces trigger and constraint errors.
// It holds the rows' locks until the rollback (bounded by the session's statement_timeout).
import type pg from 'pg';
import { contentHash } from './content-hash';
import { mapTargetError } from './target-errors';
import type { CanonicalPatch } from './patch-spec';
import { buildPatchStatement } from './statement';
import { checkPatchAgainstTable, describeTable } from './target-table';
import { beginPatchTransaction, rollbackQuietly } from './target-session';

export const DRY_RUN_SAMPLE_SIZE = 20;

export interface RowImage {
  pk: Record<string, unknown>;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface DryRunResult {
  content_hash: string;
  affected_rows: number;
  max_rows: number;
  expected_rows: number | null;
  within_max_rows: boolean;
  matches_expected: boolean;
  key: string[];
  /** Ordered by key; for display (numbers are JavaScript numbers here, the stored images are exact). */
  sample: RowImage[];
}

export async function dryRunPatch(target: pg.Client, patch: CanonicalPatch): Promise<DryRunResult> {
  try {
    const table = await describeTable(target, patch.table);
    await checkPatchAgainstTable(target, patch, table);
    const stmt = buildPatchStatement(patch, table, { sample: DRY_RUN_SAMPLE_SIZE });
    await beginPatchTransaction(target);
    try {
      const res = await target.query<{ n: number; pk: string; before: string | null; after: string | null }>(stmt.text, stmt.values);
      const affected = res.rows[0]?.n ?? 0;
      return {
        content_hash: contentHash(patch),
        affected_rows: affected,
        max_rows: patch.maxRows,
        expected_rows: patch.expectedRows,
        within_max_rows: affected <= patch.maxRows,
        matches_expected: patch.expectedRows === null || affected === patch.expectedRows,
        key: table.key,
        sample: res.rows.map((r) => ({
          pk: JSON.parse(r.pk),
          before: r.before === null ? null : JSON.parse(r.before),
          after: r.after === null ? null : JSON.parse(r.after),
        })),
      };
    } finally {
      await rollbackQuietly(target);
    }
  } catch (err) {
    throw mapTargetError(err);
  }
}
