-- The runs' recoverer looks every minute for patches left `executing` with no live run
-- (handlers/ops/patches/recover.ts). Few patches are executing at any time, so a partial index
-- keeps that pass a short index scan however many patches a deployment accumulates.
CREATE INDEX patches_executing_idx ON patches (id) WHERE status = 'executing';
