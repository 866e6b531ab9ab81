// openapi-backend, set up for OpenAPI 3.1: our trie router, Ajv 2020 with formats, validators
// compiled at boot, and every failure path answered in the error envelope.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Options as AjvOptions } from 'ajv';
import OpenAPIBackend, { type Context, type Document, type Operation, type Request as OARequest } from 'openapi-backend';
import { operationIds, operationInfo, type OperationId } from '../../generated/operations';
import { authenticate, missingCredential, presentsAccepted, type AccessPolicy } from '../auth/authenticate';
import type { SecurityRequirements } from '../auth/authorize';
import type { Config } from '../config';
import { ApiError } from '../errors';
import { RawJson, type Ctx, type HandlerMap, type HttpResult } from '../handler';
import type { RequestCost } from '../module';
import { addStrictFormats } from './formats';
import { assertSupportedParameters, fastParseRequest } from './parse-request';
import { SegmentRouter } from './router';
import { enforceStrictRequests } from './strict-request';
import { summarise, toErrorDetails } from './validation-errors';

export interface BackendOptions {
  spec: Document;
  config: Config;
  handlers: HandlerMap;
  /** The modules' rules over whole organisations, applied to every authenticated request. */
  policies: readonly AccessPolicy[];
  /** The modules' per-request prices (src/module.ts RequestCost); every other operation costs 1. */
  requestCosts: readonly RequestCost[];
  validateResponses: boolean;
  /** Called with every response that does not match the spec (when validateResponses). */
  onResponseMismatch?: (ctx: Ctx, operationId: string, status: number, errors: unknown) => void;
}

/** Boot check: an operation with no security requirement must say it is public. */
export function assertSecured(): void {
  for (const id of operationIds) {
    const { security, public: isPublic, method, path } = operationInfo[id];
    const secured = Array.isArray(security) && security.length > 0 && security.every((r) => Object.keys(r).length > 0);
    if (!secured && !isPublic) throw new Error(`${id} (${method.toUpperCase()} ${path}) declares no security and is not marked x-public: true`);
    if (secured && isPublic) throw new Error(`${id} is marked x-public but declares security`);
  }
}

// openapi-backend asks for a new Ajv per operation and context; each new instance compiles the
// meta-schemas again (about 1 s of start-up for this spec). One instance per set of options.
const ajvs = new Map<string, Ajv2020>();
function createAjv(opts: AjvOptions) {
  const key = JSON.stringify(opts);
  let ajv = ajvs.get(key);
  if (!ajv) {
    // openapi-backend's own Ajv is draft-07 (ignores prefixItems, unevaluatedProperties); 3.1 is 2020-12.
    ajv = new Ajv2020({ ...opts, strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    addStrictFormats(ajv);
    ajvs.set(key, ajv);
  }
  return ajv;
}

export async function createBackend(opts: BackendOptions): Promise<OpenAPIBackend> {
  assertSecured();
  const api = new OpenAPIBackend({
    definition: opts.spec,
    // quick: skips openapi-backend's OpenAPI 3.0 definition check (it rejects 3.1 type arrays);
    // the spec is checked by `redocly lint` instead. Validators are compiled below, before listen().
    quick: true,
    strict: true,
    coerceTypes: true,
    customizeAjv: (_ajv, ajvOpts) => createAjv(ajvOpts) as never,
  });
  await api.init();

  // Our router in place of the linear scan; operations listed once.
  const operations = api.router.getOperations();
  const byId = new Map(operations.map((op) => [op.operationId as string, op]));
  const router = new SegmentRouter(operations.map((op) => ({ operationId: op.operationId as string, method: op.method, path: op.path })));
  api.router.getOperations = () => operations;
  api.router.getOperation = (id: string) => byId.get(id);
  api.router.matchOperation = ((req: OARequest, strict?: boolean) => {
    const path = (req.path || '/').split('?')[0];
    const m = router.matchRecent(req.method, path);
    if (m.kind === 'found') return byId.get(m.target.operationId);
    if (!strict) return undefined;
    throw new Error(m.kind === 'methodNotAllowed' ? '405-methodNotAllowed' : '404-notFound');
  }) as typeof api.router.matchOperation;

  assertSupportedParameters(operations);
  api.router.parseRequest = fastParseRequest(router);
  enforceStrictRequests(api.validator, operations);

  api.validator.preCompileRequestValidators();
  if (opts.validateResponses) api.validator.preCompileResponseValidators();

  // Which ids the spec has and which handlers exist must agree exactly.
  const missing = operationIds.filter((id) => typeof opts.handlers[id] !== 'function');
  const extra = Object.keys(opts.handlers).filter((id) => !byId.has(id));
  if (missing.length || extra.length) throw new Error(`handler map out of step with the spec: missing ${missing} extra ${extra}`);
  const costOf = new Map(opts.requestCosts.map((c) => [c.operationId, c]));
  for (const id of costOf.keys()) if (!byId.has(id)) throw new Error(`a module prices ${id}, which is not in the spec`);

  const refuseInvalid = (c: Context) => {
    const details = toErrorDetails(c.validation.errors ?? []);
    throw new ApiError('VALIDATION_ERROR', summarise(details), { details });
  };

  api.register({
    notFound: () => {
      throw new ApiError('NOT_FOUND', 'No such path; see /docs for the list of operations');
    },
    methodNotAllowed: (c: Context) => {
      const m = router.match(c.request.method, c.request.path);
      const allow = m.kind === 'methodNotAllowed' ? m.allow.join(', ') : '';
      throw new ApiError('METHOD_NOT_ALLOWED', `${c.request.method.toUpperCase()} is not allowed on this path`, { headers: { Allow: allow } });
    },
    validationFail: refuseInvalid,
    // The access layer (src/auth/) decides from the operation's `security` in the spec, before
    // request validation: credential → principal in one round trip with its rate limits, the
    // modules' policies, then scopes or roles. The access-log line and the metrics carry the operationId.
    postRoutingHandler: (c: Context, ctx: Ctx) => {
      ctx.operationId = c.operation?.operationId;
    },
    postSecurityHandler: async (c: Context, ctx: Ctx) => {
      const security = c.operation.security ?? [];
      if (security.length === 0) return; // explicitly public (checked at boot)
      const request = { method: c.request.method, headers: c.request.headers, cookies: c.request.cookies ?? {} };
      const setHeaders = (h: Record<string, string>) => Object.assign(ctx.responseHeaders, h);
      // A priced operation is validated first (its price is read from a valid request), then priced;
      // without any credential it accepts, it is a 401 before that, as every operation is.
      const priced = costOf.get(c.operation.operationId as string);
      let cost = 1;
      if (priced) {
        if (!presentsAccepted(request, security as SecurityRequirements)) throw missingCredential(security as SecurityRequirements);
        c.validation = api.validator.validateRequest(c.request as OARequest, c.operation as Operation);
        if (c.validation.errors) refuseInvalid(c);
        cost = priced.cost({ body: c.request.requestBody, query: c.request.query ?? {} }, ctx);
      }
      const done = await authenticate(request, security as SecurityRequirements, ctx, { cost, policies: opts.policies, setHeaders });
      if (!done) throw missingCredential(security as SecurityRequirements);
      ctx.principal = done.principal;
      ctx.rateLimit = done.rateLimit;
    },
    notImplemented: (c: Context) => {
      throw new Error(`no handler for ${c.operation.operationId}`);
    },
    postResponseHandler: (c: Context, ctx: Ctx) => {
      const result = c.response as HttpResult;
      // A 204 has no body to check (the spec documents none).
      if (opts.validateResponses && c.operation && result && typeof result.status === 'number' && result.status !== 204) {
        const body = result.body instanceof RawJson ? (JSON.parse(result.body.text) as unknown) : result.body;
        const check = api.validator.validateResponse(body, c.operation as Operation, result.status);
        if (check.errors) opts.onResponseMismatch?.(ctx, c.operation.operationId as string, result.status, check.errors);
      }
      return result;
    },
  });

  // openapi-backend's own security step only needs to know the schemes exist: the access layer
  // above has already decided (and thrown) for every request that reaches it.
  for (const scheme of Object.keys(opts.spec.components?.securitySchemes ?? {})) api.registerSecurityHandler(scheme, () => true);

  for (const id of operationIds) {
    const handler = opts.handlers[id] as (ctx: Ctx, req: unknown) => Promise<HttpResult>;
    // Header parameters the operation declares (e.g. Idempotency-Key), under their spec names.
    const headerParams = ((api.getOperation(id)?.parameters ?? []) as Array<{ in?: string; name?: string }>)
      .filter((p) => p.in === 'header' && p.name)
      .map((p) => p.name!);
    api.register(id, (c: Context, ctx: Ctx) => {
      const headers: Record<string, string> = {};
      for (const name of headerParams) {
        const value = c.request.headers[name.toLowerCase()];
        if (typeof value === 'string') headers[name] = value;
      }
      return handler(ctx, { params: c.request.params ?? {}, query: c.request.query ?? {}, headers, body: c.request.requestBody });
    });
  }
  return api;
}

export type { OperationId };
