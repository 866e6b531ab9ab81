-- Execute and rollback of mass patches (issue #18): the runs' recoverer looks for patches left
-- `executing` by a run that is over (handlers/ops/patches/recover.ts), every minute and at each
-- worker start — by this index rather than a scan of every patch.
CREATE INDEX patches_executing_idx ON patches (org_id) WHERE status = 'executing';
