// A root field runs the REST operation it mirrors, as the REST pipeline would after the
// credential: the operation's security from the spec (authorize), its parameters' schemas (Ajv,
// with the app's formats and error details), then its handler with the same context — so GDPR
// masking and tenant isolation are the handler's, unchanged.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type DataLoader from 'dataloader';
import { operationInfo, type OperationId } from '../../generated/operations';
import { authorize } from '../../src/auth/authorize';
import { loadSpec } from '../../src/app';
import { ApiError } from '../../src/errors';
import type { HttpResult, SecuredCtx } from '../../src/handler';
import { addStrictFormats } from '../../src/openapi/formats';
import { summarise, toErrorDetails } from '../../src/openapi/validation-errors';
import { handlers } from '../index';

export interface GraphqlContext {
  ctx: SecuredCtx;
  /** One loader per relation target, for this request only (relations.ts). */
  loaders: Map<OperationId, DataLoader<string, unknown>>;
}

export interface RootField {
  operationId: OperationId;
  path: readonly string[];
  query: readonly string[];
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
addStrictFormats(ajv);
const validators = new Map<OperationId, ValidateFunction>();

/** The operation's parameters as one schema over {path, query}, so errors say ['query', 'limit'] as in REST. */
function validatorFor(operationId: OperationId): ValidateFunction {
  let v = validators.get(operationId);
  if (v) return v;
  const spec = loadSpec() as unknown as Json;
  const { method, path } = operationInfo[operationId];
  const params: Json[] = (spec.paths[path][method].parameters ?? []).map((p: Json) => (p.$ref ? spec.components.parameters[p.$ref.split('/').pop()] : p));
  const part = (where: string) => ({
    type: 'object',
    properties: Object.fromEntries(params.filter((p) => p.in === where).map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.in === where && p.required).map((p) => p.name),
  });
  v = ajv.compile({ type: 'object', properties: { path: part('path'), query: part('query') } });
  validators.set(operationId, v);
  return v;
}

/** What the handler receives: the arguments split into path and query parameters (null = not given). */
function requestOf(field: RootField, args: Record<string, unknown>) {
  const pick = (names: readonly string[]) => Object.fromEntries(names.filter((n) => args[n] !== undefined && args[n] !== null).map((n) => [n, args[n]]));
  return { params: pick(field.path), query: pick(field.query), body: undefined };
}

export async function invoke(field: RootField, args: Record<string, unknown>, { ctx }: GraphqlContext): Promise<unknown> {
  authorize(ctx.principal, operationInfo[field.operationId].security ?? []);
  const req = requestOf(field, args);
  const validate = validatorFor(field.operationId);
  if (!validate({ path: req.params, query: req.query })) {
    const details = toErrorDetails(validate.errors ?? []);
    throw new ApiError('VALIDATION_ERROR', summarise(details), { details });
  }
  const handler = handlers[field.operationId] as unknown as (ctx: SecuredCtx, req: unknown) => Promise<HttpResult>;
  return (await handler(ctx, req)).body;
}
