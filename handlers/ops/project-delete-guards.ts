// What keeps a project from being deleted: work still going on in it. Deleting the project would
// cascade through that work's rows (runs, and the next issues' grants) while a worker or a
// customer database still acts on them. Each guard counts its blocking rows of one project; a later
// issue adds its own here (e.g. active just-in-time access grants, whose roles live on a target
// and must be revoked first), and deleteProject answers 409 naming what blocks it.
export interface ProjectDeleteGuard {
  /** Said in the 409, e.g. "2 active runs (queued, running or cancelling)". */
  what: string;
  /** One row, one column `n`: the blocking rows of project $1. */
  sql: string;
}

export const PROJECT_DELETE_GUARDS: readonly ProjectDeleteGuard[] = [
  {
    what: 'active runs (queued, running or cancelling)',
    sql: `SELECT count(*)::int AS n FROM runs WHERE project_id = $1 AND status IN ('queued', 'running', 'cancelling')`,
  },
  {
    // Patches reference the project with ON DELETE RESTRICT: an executed one's row images are the
    // only copy of the data it overwrote. Delete the drafts first; executed patches keep the project.
    what: 'mass patches (delete them first; executed ones are kept with their row images)',
    sql: `SELECT count(*)::int AS n FROM patches WHERE project_id = $1`,
  },
  // Hook: active access grants (JIT, a later issue) go here.
];
