import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { effectivePermissions, projectAccessOf, ROLE_PERMISSIONS } from './permissions';

export const getProjectPermissions: Handler<'getProjectPermissions'> = async (ctx, req) => {
  const p = ctx.principal;
  const access = await projectAccessOf(ctx.db, p, req.params.project_id);
  if (!access) throw notFound('Project');
  return {
    status: 200,
    body: {
      project_id: req.params.project_id,
      role: access.role,
      role_source: access.source,
      permissions: effectivePermissions(p, access.role),
      roles: {
        owner: [...ROLE_PERMISSIONS.owner],
        admin: [...ROLE_PERMISSIONS.admin],
        developer: [...ROLE_PERMISSIONS.developer],
        viewer: [...ROLE_PERMISSIONS.viewer],
      },
    },
  };
};
