import type { Handler } from '../../src/handler';
import { patchJson } from './patches/patch-json';
import { findPatch } from './patches/patch-store';

export const getPatch: Handler<'getPatch'> = async (ctx, req) => ({
  status: 200,
  body: patchJson(await findPatch(ctx.db, ctx.principal, req.params.id)),
});
