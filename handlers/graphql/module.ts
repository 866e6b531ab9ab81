// The GraphQL module: POST /graphql over the data modules' reads. Its price in rate-limit points
// depends on the query, so the pipeline asks here, after validating the request and before the
// credential: the document is parsed, validated, limited and priced with no database work.
import type { Ctx } from '../../src/handler';
import type { ApiModule } from '../../src/module';
import { prepare, type GraphqlRequestBody, type Prepared } from './document';

/** The checked request of each context, from the pricing to the handler. */
const prepared = new WeakMap<Ctx, Prepared>();

export function preparedFor(ctx: Ctx): Prepared {
  const p = prepared.get(ctx);
  if (!p) throw new Error('queryGraphql ran without its pricing step (requestCosts not handed to createApp?)');
  return p;
}

export const moduleDefinition: ApiModule = {
  name: 'graphql',
  requestCosts: [
    {
      operationId: 'queryGraphql',
      cost(request, ctx) {
        const p = prepare(request.body as GraphqlRequestBody);
        prepared.set(ctx, p);
        return p.cost;
      },
    },
  ],
};
