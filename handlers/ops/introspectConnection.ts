import type pg from 'pg';
import { actorOf, type Principal } from '../../src/auth/principal';
import { withTransaction } from '../../src/db/transaction';
import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { idempotently, requestHash } from '../../src/runs/idempotency';
import { enqueueRun } from '../../src/runs/store';
import { reachableProjects, requireProjectPermission } from './permissions';
import { findRun, runLocation } from './runs/run-store';

async function findConnection(db: pg.Pool, principal: Principal, id: string): Promise<{ projectId: string }> {
  const reach = reachableProjects(principal, 'project_id', 3);
  const { rows } = await db.query<{ project_id: string }>(`SELECT project_id FROM connections WHERE id = $1 AND org_id = $2 AND ${reach.sql}`, [id, principal.orgId, ...reach.params]);
  if (!rows[0]) throw notFound('Connection');
  return { projectId: rows[0].project_id };
}

export const introspectConnection: Handler<'introspectConnection'> = async (ctx, req) => {
  const { principal } = ctx;
  const { projectId } = await findConnection(ctx.db, principal, req.params.id);
  await requireProjectPermission(ctx.db, principal, projectId, 'connections.write');
  const answer = await withTransaction(ctx.db, (tx) =>
    idempotently(
      tx,
      { principal, key: req.headers['Idempotency-Key'], operationId: 'introspectConnection', hash: requestHash('introspectConnection', { params: req.params, body: null }) },
      async () => {
        const runId = await enqueueRun(tx, {
          orgId: principal.orgId,
          projectId,
          kind: 'introspect',
          subjectType: 'connection',
          subjectId: req.params.id,
          actor: actorOf(principal),
        });
        return { status: 202, body: (await findRun(tx, principal, runId)).json, runId };
      },
    ),
  );
  const body = answer.body as Awaited<ReturnType<typeof findRun>>['json'];
  return {
    status: 202,
    body,
    headers: { Location: runLocation(body.id), ...(answer.replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
  };
};
