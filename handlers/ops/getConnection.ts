import type { Handler } from '../../src/handler';
import { connectionJson } from './connection-row';
import { findConnection } from './connection-store';

export const getConnection: Handler<'getConnection'> = async (ctx, req) => ({
  status: 200,
  body: connectionJson(await findConnection(ctx.db, ctx.principal, req.params.id)),
});
