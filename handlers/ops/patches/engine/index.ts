// The mass-patch engine (issue #18), a library without HTTP: the endpoints and run kinds call it.
// See docs/patch-engine.md for what it guarantees and the two-commit protocol.
export { PatchInputError, PatchRunError } from './errors';
export { canonicalizePatch, MAX_ROWS_LIMIT, type CanonicalPatch, type PatchInput, type JsonValue } from './patch-spec';
export { contentHash } from './content-hash';
export { parseWhere, type ParsedWhere } from './where';
export { parseTableName, quoteTable, type TableName } from './identifiers';
export { dryRunPatch, DRY_RUN_SAMPLE_SIZE, type DryRunResult, type RowImage } from './dry-run';
export { executePatch, type ExecuteHooks, type ExecuteOptions, type ExecuteResult } from './execute';
export { reconcileExecution, type ReconcileResult } from './reconcile';
export { rollbackExecution, type RollbackOptions, type RollbackResult, type RollbackConflict } from './rollback';
export { loadPatch, type StoredPatch } from './patch-row';
