import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { requireProjectPermission } from './permissions';
import { projectJson } from './project-store';

export const getProject: Handler<'getProject'> = async (ctx, req) => {
  const p = ctx.principal;
  await requireProjectPermission(ctx.db, p, req.params.project_id, 'project.read');
  const body = await projectJson(ctx.db, p.orgId, req.params.project_id);
  if (!body) throw notFound('Project');
  return { status: 200, body };
};
