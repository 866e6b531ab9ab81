// The contract check every test response goes through: the status must be documented for the
// operation, the content type must match, the body must validate (Ajv 2020, against the bundled
// spec), and the documented required headers must be there. For the coverage gate
// (scripts/check-contract-coverage.mjs) it records each (operationId, status) pair twice over:
// "produced" by any checked response, and "asserted" only when a test's own status assertion —
// supertest's `.expect(status)` or `expect(res).toHaveStatus(status)` — passed on that response.
// The gate counts asserted pairs alone: traffic that nobody checks (fuzzing, a setup call) proves
// nothing about the status it happened to get.
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadSpec } from '../../src/app';
import { SegmentRouter } from '../../src/openapi/router';

type Json = Record<string, unknown>;
interface Op {
  operationId: string;
  method: string;
  path: string;
  responses: Json;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const spec = loadSpec() as unknown as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'spec');

const ops: Op[] = [];
for (const [path, item] of Object.entries(spec.paths as Json)) {
  for (const method of METHODS) {
    const op = (item as Json)[method] as Json | undefined;
    if (op) ops.push({ operationId: op.operationId as string, method, path, responses: op.responses as Json });
  }
}
const router = new SegmentRouter(ops);

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
function resolvePointer(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json)[key], spec);
}
/** Follows a $ref chain; returns the object and the JSON pointer where it lives. */
function deref(node: unknown, pointer: string): { node: Json; pointer: string } {
  let n = node as Json;
  let p = pointer;
  while (n && typeof n.$ref === 'string') {
    p = n.$ref;
    n = resolvePointer(p) as Json;
  }
  return { node: n, pointer: p };
}

const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: string): ValidateFunction {
  let v = validators.get(pointer);
  if (!v) validators.set(pointer, (v = ajv.compile({ $ref: `spec${pointer}` })));
  return v;
}

/** "/items/0: must NOT have additional properties {"additionalProperty":"uptime"}" — names the field. */
function describeErrors(errors: ValidateFunction['errors']): string {
  return (errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'}: ${e.message} ${JSON.stringify(e.params)}`).join('; ');
}

export interface CheckedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

export function operationFor(method: string, path: string): string | undefined {
  const m = router.match(method, path.split('?')[0]);
  return m.kind === 'found' ? m.target.operationId : undefined;
}

function record(kind: 'produced' | 'asserted', operationId: string, status: number): void {
  const dir = process.env.AURA_CONTRACT_COVERAGE_DIR;
  if (!dir) return;
  const state = expect.getState();
  const test = `${state.testPath ? relative(join(__dirname, '..', '..'), state.testPath) : '?'} › ${state.currentTestName ?? '(outside a test)'}`;
  appendFileSync(join(dir, `${process.pid}.jsonl`), JSON.stringify({ kind, operationId, status, test }) + '\n');
}

/** Where a checked response keeps the operation it answered (set by the harness's client). */
export const ANSWERED = Symbol('aura.contract.operation');
export interface Answered {
  status: number;
  [ANSWERED]?: string;
}

/** Records that a test asserted this response's status and the assertion held. */
export function recordAsserted(res: Answered, status: number): void {
  const operationId = res[ANSWERED];
  if (operationId && res.status === status) record('asserted', operationId, status);
}

/**
 * Throws an Error describing every way the response breaks the contract; returns the operationId
 * it answered (undefined outside any operation).
 */
export function checkResponse(method: string, url: string, res: CheckedResponse): string | undefined {
  const path = url.split('?')[0];
  const problems: string[] = [];
  const where = `${method.toUpperCase()} ${url} → ${res.status}`;
  if (!res.headers['x-request-id']) problems.push('no X-Request-Id header');

  const match = router.match(method, path);
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
  const hasBody = method.toLowerCase() !== 'head' && res.status !== 204 && res.status !== 304;

  if (match.kind !== 'found') {
    // Outside any operation (unknown path, wrong method, body refused before routing): the envelope.
    if (res.status < 400) problems.push('a 2xx/3xx for a path and method the spec does not have');
    if (hasBody) {
      const v = validatorAt('#/components/schemas/Error');
      if (contentType !== 'application/json') problems.push(`content type ${contentType}, expected application/json`);
      else if (!v(res.body)) problems.push(`body is not an Error envelope: ${describeErrors(v.errors)}`);
    }
    if (res.status === 405 && !res.headers['allow']) problems.push('405 without an Allow header');
    if (problems.length) throw new Error(`contract: ${where}: ${problems.join('; ')}`);
    return undefined;
  }

  const op = ops.find((o) => o.operationId === match.target.operationId)!;
  const base = `#/paths/${escape(op.path)}/${op.method}/responses`;
  const key = [String(res.status), `${String(res.status)[0]}XX`, 'default'].find((k) => k in op.responses);
  if (!key) {
    throw new Error(`contract: ${where}: status ${res.status} is not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(', ')}); body: ${JSON.stringify(res.body)}`);
  }
  record('produced', op.operationId, res.status);
  const { node: response, pointer } = deref(op.responses[key], `${base}/${escape(key)}`);

  for (const [name, header] of Object.entries((response.headers as Json) ?? {})) {
    const h = deref(header, '').node;
    if (h.required && res.headers[name.toLowerCase()] === undefined) problems.push(`documented header ${name} is missing`);
  }
  const content = response.content as Json | undefined;
  if (!content) {
    if (hasBody && res.text) problems.push('a body where the spec documents none');
  } else if (hasBody) {
    if (!(contentType in content)) {
      problems.push(`content type "${contentType}" is not documented (${Object.keys(content).join(', ')})`);
    } else if (contentType.endsWith('json')) {
      const v = validatorAt(`${pointer}/content/${escape(contentType)}/schema`);
      if (!v(res.body)) problems.push(`body does not match the schema: ${describeErrors(v.errors)}`);
    }
  }
  if (problems.length) throw new Error(`contract: ${where} (${op.operationId}): ${problems.join('; ')}\nbody: ${JSON.stringify(res.body)?.slice(0, 2000)}`);
  return op.operationId;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The response has this status; on a checked response, counts for the coverage gate. */
      toHaveStatus(status: number): R;
    }
  }
}

/** `expect(res).toHaveStatus(404)`: the status assertion the coverage gate counts (besides `.expect(404)`). */
export const statusMatchers = {
  toHaveStatus(this: jest.MatcherContext, res: Answered & { body?: unknown }, status: number) {
    const pass = res?.status === status;
    if (pass && !this.isNot) recordAsserted(res, status);
    return {
      pass,
      message: () =>
        `expected status ${this.isNot ? 'not ' : ''}${status}, got ${res?.status}` +
        (pass ? '' : `; body: ${JSON.stringify(res?.body)?.slice(0, 1000)}`),
    };
  },
};
