// A key bound to an ops project (createApiKey's project_id): the project must be the
// organisation's, and the key may hold only the scopes of operations that check the project
// (Scope's x-project-scopes) — any other would reach organisation-wide data around the binding.
import type pg from 'pg';
import { projectScopes } from '../../generated/operations';
import { ApiError } from '../../src/errors';

const PROJECT_SCOPES: readonly string[] = projectScopes;

export async function checkProjectBinding(db: Pick<pg.Pool, 'query'>, orgId: string, projectId: string, scopes: readonly string[]): Promise<void> {
  const outside = scopes.filter((s) => !PROJECT_SCOPES.includes(s));
  if (outside.length) {
    throw new ApiError('VALIDATION_ERROR', `A project key may hold only project scopes (${PROJECT_SCOPES.join(', ')}); not ${outside.join(', ')}`, {
      details: [{ loc: ['body', 'scopes'], msg: `not a project scope: ${outside.join(', ')}`, type: 'project_scope' }],
    });
  }
  const { rows } = await db.query('SELECT 1 FROM projects WHERE org_id = $1 AND id = $2', [orgId, projectId]);
  if (!rows[0]) {
    throw new ApiError('VALIDATION_ERROR', 'project_id is not a project of the organisation', {
      details: [{ loc: ['body', 'project_id'], msg: 'not a project of the organisation', type: 'reference' }],
    });
  }
}
