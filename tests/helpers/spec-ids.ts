// Real ids for path parameters, found through the API itself and read from the spec: the ids for
// `{id}` in /api/v1/webhooks/{id}/... are the items of GET /api/v1/webhooks, those for
// {delivery_id} in /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry the items of
// GET /api/v1/webhooks/{id}/deliveries (for every webhook found), and so on. New resources are
// picked up without test code.
import { loadSpec } from '../../src/app';
import { authenticate, credentialKinds, type Session } from './battery-world';
import type { ContractClient } from './harness';
import { specOps, type SpecOp } from './spec-ops';

const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/* eslint-disable @typescript-eslint/no-explicit-any */
const spec = loadSpec() as any;
const deref = (n: any): any => (n?.$ref ? deref(n.$ref.slice(2).split('/').reduce((o: any, k: string) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec)) : n);
/** A list answers 200 with the envelope { items, total, limit, offset }. */
const isList = (op: SpecOp) => Boolean(deref(deref(deref(spec.paths[op.path][op.method].responses['200'])?.content?.['application/json']?.schema)?.properties?.items));
/* eslint-enable @typescript-eslint/no-explicit-any */

/** GET operations that list a collection, parents before children. */
export const listOps = specOps.filter((o) => o.method === 'get' && !o.public && isList(o)).sort((a, b) => paramsOf(a.path).length - paramsOf(b.path).length);

/** The list whose items a path parameter takes its values from: the path up to that parameter. */
export function collectionOf(opPath: string, param: string): string {
  return opPath.slice(0, opPath.indexOf(`/{${param}}`));
}

/** Every way of filling the path's parameters from ids already found (bounded). */
export function fillings(path: string, found: Map<string, string[]>, limit = 20): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  for (const p of paramsOf(path)) {
    const ids = found.get(collectionOf(path, p)) ?? [];
    out = out.flatMap((f) => ids.map((id) => ({ ...f, [p]: id }))).slice(0, limit);
  }
  return out;
}

export const fill = (path: string, values: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, n) => encodeURIComponent(values[n]));

/** Walks every list (first page of 200) as the tenant; collection path template → item ids. */
export async function harvestIds(api: ContractClient, cred: { key: string; session: Session }): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const op of listOps) {
    const ids = new Set<string>(found.get(op.path) ?? []);
    for (const values of fillings(op.path, found)) {
      const via = credentialKinds(op)[0];
      const res = await authenticate(api.get(`${fill(op.path, values)}?limit=200`), via, cred);
      if (res.status !== 200 || !Array.isArray(res.body?.items)) continue;
      for (const item of res.body.items) if (typeof item?.id === 'string') ids.add(item.id);
    }
    found.set(op.path, [...ids]);
  }
  return found;
}

/** Operations whose path takes a parameter. */
export const idOps: SpecOp[] = specOps.filter((o) => o.path.includes('{'));
