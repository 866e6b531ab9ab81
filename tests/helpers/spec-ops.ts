// The operations of the bundled spec, for tests generated from it (security matrix, generic
// error behaviour): operations added later are covered without new test code.
import { randomUUID } from 'node:crypto';
import { loadSpec } from '../../src/app';

export interface SpecOp {
  operationId: string;
  method: string;
  path: string;
  /** Scopes an API key needs, or null when keys are not accepted. */
  keyScopes: string[] | null;
  /** Roles a session needs ([] = any member), or null when sessions are not accepted. */
  sessionRoles: string[] | null;
  public: boolean;
  responses: string[];
  hasBody: boolean;
  exampleBody: unknown;
  /** Header parameters the operation requires (e.g. executePatch's Idempotency-Key), with an example value each. */
  requiredHeaders: Record<string, string>;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const spec = loadSpec() as unknown as Json;

function deref(node: Json): Json {
  while (node && node.$ref) node = node.$ref.replace(/^#\//, '').split('/').reduce((n: Json, k: string) => n[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  return node;
}

export const specOps: SpecOp[] = [];
for (const [path, item] of Object.entries(spec.paths as Json)) {
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const op = (item as Json)[method];
    if (!op) continue;
    const security: Json[] = op.security ?? [];
    const find = (scheme: string) => security.find((r) => scheme in r)?.[scheme] ?? null;
    const body = op.requestBody ? deref(op.requestBody).content?.['application/json'] : undefined;
    const headers = ((op.parameters ?? []) as Json[]).map(deref).filter((p) => p.in === 'header' && p.required);
    specOps.push({
      operationId: op.operationId,
      method,
      path,
      keyScopes: find('ApiKeyHeader'),
      sessionRoles: find('SessionCookie'),
      public: op['x-public'] === true,
      responses: Object.keys(op.responses),
      hasBody: Boolean(body),
      exampleBody: body?.example,
      requiredHeaders: Object.fromEntries(headers.map((p) => [p.name, String(p.example ?? p.schema?.example ?? 'x')])),
    });
  }
}

/** The op's path with every parameter filled (ids: a fresh UUID unless given). */
export const urlFor = (op: SpecOp, params: Record<string, string> = {}) => op.path.replace(/\{(\w+)\}/g, (_, name) => params[name] ?? randomUUID());

export const byId = (id: string) => specOps.find((o) => o.operationId === id)!;
export const allScopes = (): string[] => [...(deref(spec.components.schemas.Scope).enum as string[])];

/** The required header parameters for one request: a fresh Idempotency-Key each time (a key is the request's identity). */
export const requiredHeadersFor = (op: SpecOp): Record<string, string> =>
  Object.fromEntries(Object.entries(op.requiredHeaders).map(([name, example]) => [name, name === 'Idempotency-Key' ? randomUUID() : example]));
