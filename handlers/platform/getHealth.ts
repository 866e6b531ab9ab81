import type { Handler } from '../../src/handler';
import { apiVersion } from '../../src/paths';

/** Health: the process answers and so does the database (a failing query becomes 503). */
export const getHealth: Handler<'getHealth'> = async (ctx) => {
  await ctx.db.query({ name: 'health', text: 'SELECT 1' });
  return { status: 200, body: { status: 'ok', version: apiVersion, db: 'ok' } };
};
