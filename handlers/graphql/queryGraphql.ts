import { execute } from 'graphql';
import type { components } from '../../generated/openapi-types';
import { toApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import type { GraphqlContext } from './invoke';
import { preparedFor } from './module';
import { graphqlSchema } from './schema';

type GraphqlError = components['schemas']['GraphqlError'];

export const queryGraphql: Handler<'queryGraphql'> = async (ctx) => {
  const { document, operation, variables, cost } = preparedFor(ctx);
  const contextValue: GraphqlContext = { ctx, loaders: new Map() };
  const result = await execute({ schema: graphqlSchema(), document, operationName: operation.name?.value, variableValues: variables, contextValue });
  const body: components['schemas']['GraphqlResponse'] = { data: (result.data as Record<string, unknown> | null | undefined) ?? null, extensions: { cost } };
  if (result.errors?.length) {
    body.errors = result.errors.map((e): GraphqlError => {
      const api = toApiError(e.originalError ?? e);
      // Internals go to the log only, as for REST's 500s; the client gets the code and the request id.
      if (api.status >= 500) ctx.log.error({ err: e.originalError ?? e, path: e.path }, 'graphql field failed');
      return {
        message: api.status >= 500 ? api.message : (e.originalError ?? e).message,
        ...(e.path ? { path: [...e.path] } : {}),
        ...(e.locations ? { locations: e.locations.map(({ line, column }) => ({ line, column })) } : {}),
        extensions: { code: api.code, request_id: ctx.requestId, ...(api.options.details?.length ? { details: api.options.details } : {}) },
      };
    });
  }
  return { status: 200, body };
};
