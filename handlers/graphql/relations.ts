// Relation fields (x-aura-link in the spec): the target's get SQL with its id compared to a list,
// once per level of the query (dataloader batches the ids of one tick) — a page of 50 leads with
// their team member is two statements, not 51. The same renderer and the same org filter as the
// get handler, so the JSON, its masking and its isolation are the REST detail's.
import DataLoader from 'dataloader';
import { operationInfo, type OperationId } from '../../generated/operations';
import { relationSql } from '../../generated/graphql-map';
import { authorize } from '../../src/auth/authorize';
import { notFound } from '../../src/errors';
import { statementName } from '../../src/db/statement-name';
import type { GraphqlContext } from './invoke';

/** `… WHERE x.org_id = $1 AND x.id = $2` → `… AND x.id = ANY($2::uuid[])`. */
export function batchSql(operationId: OperationId): string {
  const sql = relationSql[operationId];
  const batched = sql?.replace(/\b(\w+)\.id = \$2$/, '$1.id = ANY($2::uuid[])');
  if (!sql || batched === sql) throw new Error(`graphql: ${operationId}'s SQL must end with "<alias>.id = $2" to be batch-loaded`);
  return batched!;
}
// Checked at load: a get handler whose SQL changes shape fails the boot, not a query.
const BATCH = new Map((Object.keys(relationSql) as OperationId[]).map((id) => [id, batchSql(id)]));

function loaderFor(operationId: OperationId, gctx: GraphqlContext): DataLoader<string, unknown> {
  let loader = gctx.loaders.get(operationId);
  if (!loader) {
    const text = BATCH.get(operationId)!;
    const { ctx } = gctx;
    loader = new DataLoader<string, unknown>(async (ids) => {
      const { rows } = await ctx.db.query({ name: statementName(text), text, values: [ctx.principal.orgId, ids] });
      const byId = new Map(rows.map((r: { body: { id: string } }) => [r.body.id, r.body]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    gctx.loaders.set(operationId, loader);
  }
  return loader;
}

export async function loadRelation(link: { operationId: OperationId; from: string }, id: unknown, gctx: GraphqlContext): Promise<unknown> {
  if (id === null || id === undefined) return null;
  authorize(gctx.ctx.principal, operationInfo[link.operationId].security ?? []);
  const found = await loaderFor(link.operationId, gctx).load(String(id));
  if (found === null) throw notFound(`${link.operationId.replace(/^get/, '')} ${String(id)}`);
  return found;
}
