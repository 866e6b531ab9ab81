// Route matching cost vs the size of the API: match the LAST operation of a synthetic
// 300-operation spec and of a 10-operation spec, with our trie router and with openapi-backend's
// stock matcher (linear scan, a RegExp built per operation per request). Prints ns/match and
// the 300/10 ratio (target ≤ 1.2 for ours). Run: npx tsx bench/router.bench.ts
import { OpenAPIRouter } from 'openapi-backend';
import { SegmentRouter } from '../src/openapi/router';

/** n operations: n-1 fillers shaped like a real API, then the same last operation in every size. */
function syntheticPaths(n: number) {
  const ops: Array<{ operationId: string; method: string; path: string }> = [];
  for (let i = 0; ops.length < n - 1; i++) {
    ops.push({ operationId: `list${i}`, method: 'get', path: `/api/v1/resource${i}` });
    if (ops.length < n - 1) ops.push({ operationId: `get${i}`, method: 'get', path: `/api/v1/resource${i}/{id}` });
    if (ops.length < n - 1) ops.push({ operationId: `sub${i}`, method: 'post', path: `/api/v1/resource${i}/{id}/actions/{action}` });
  }
  ops.push({ operationId: 'last', method: 'post', path: '/api/v1/zebra/{id}/deliveries/{deliveryId}/retry' });
  return ops;
}

function definition(ops: ReturnType<typeof syntheticPaths>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of ops) (paths[o.path] ??= {})[o.method] = { operationId: o.operationId, responses: { 200: { description: 'ok' } } };
  return { openapi: '3.1.0', info: { title: 'synthetic', version: '1' }, paths };
}

function time(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < iterations / 10; i++) fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / iterations; // ns per call
}

export function measureRouters(iterations = 200_000) {
  const result: Record<string, { small: number; large: number; ratio: number }> = {};
  const cases = { small: syntheticPaths(10), large: syntheticPaths(300) };
  const lastUrl = (ops: ReturnType<typeof syntheticPaths>) => {
    const last = ops[ops.length - 1];
    return { method: last.method, path: last.path.replace('{id}', '3f1c2a9e-0b4d-4e5f-8a6b-7c8d9e0f1a2b').replace('{deliveryId}', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d') };
  };
  const ours = Object.fromEntries(Object.entries(cases).map(([k, ops]) => {
    const r = new SegmentRouter(ops);
    const req = lastUrl(ops);
    return [k, time(() => r.match(req.method, req.path), iterations)];
  }));
  result.trie = { small: ours.small, large: ours.large, ratio: ours.large / ours.small };
  const stock = Object.fromEntries(Object.entries(cases).map(([k, ops]) => {
    const r = new OpenAPIRouter({ definition: definition(ops) as never });
    const req = lastUrl(ops);
    return [k, time(() => r.matchOperation({ method: req.method, path: req.path, headers: {} }), Math.max(200, iterations / 200))];
  }));
  result.stock = { small: stock.small, large: stock.large, ratio: stock.large / stock.small };
  return result;
}

if (require.main === module) {
  const r = measureRouters();
  for (const [name, v] of Object.entries(r)) {
    console.log(`${name.padEnd(6)} 10 ops: ${v.small.toFixed(0).padStart(9)} ns/match   300 ops: ${v.large.toFixed(0).padStart(9)} ns/match   ratio ${v.ratio.toFixed(2)}`);
  }
}
