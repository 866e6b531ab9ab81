-- The runs' recoverer looks every minute for patches left `executing` with no live run
-- (handlers/ops/patches/recover.ts). Few patches are executing at any time, so a partial index
-- keeps that pass a short index scan however many patches a deployment accumulates.
CREATE INDEX patches_executing_idx ON patches (id) WHERE status = 'executing';

-- The recoverer takes undecided executions in batches. One it could not decide (target away, rows
-- inconclusive) is stamped and goes to the back, so a batch of those never starves a newer one.
ALTER TABLE patch_executions ADD COLUMN reconcile_tried_at timestamptz;
DROP INDEX patch_executions_undecided_idx;
CREATE INDEX patch_executions_undecided_idx ON patch_executions (reconcile_tried_at NULLS FIRST, created_at)
  WHERE state IN ('started', 'prepared');
