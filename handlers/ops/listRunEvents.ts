import type { components } from '../../generated/openapi-types';
import { fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { requireProjectPermission } from './permissions';
import { findRun } from './runs/run-store';

type EventRow = Omit<components['schemas']['RunEvent'], 'at'> & { at: Date };

export const listRunEvents: Handler<'listRunEvents'> = async (ctx, req) => {
  const run = await findRun(ctx.db, ctx.principal, req.params.id);
  await requireProjectPermission(ctx.db, ctx.principal, run.projectId, 'runs.read');
  const { after_seq, limit = 50, offset = 0, cursor } = req.query;
  const { items, ...page } = await fetchRows<EventRow & { id: number }>(
    ctx.db,
    {
      from: 'run_events',
      // `id` is what the list helper tells an empty page by; seq is the list's unique key.
      columns: 'seq AS id, seq, at, level, message, data',
      where: [sql`run_id = ${req.params.id}`, after_seq !== undefined && sql`seq > ${after_seq}`],
      order: { keys: [{ column: 'seq', type: 'bigint' }] },
      keyset: true,
    },
    { limit, offset, cursor },
  );
  return { status: 200, body: { items: items.map(({ id: _id, at, ...e }) => ({ ...e, at: at.toISOString() })), ...page } };
};
