// The executable schema: generated/schema.graphql (from the spec) with its resolvers — every root
// field runs its REST operation (invoke.ts), every relation field loads its target in batches
// (relations.ts). Built once.
import { buildSchema, GraphQLError, GraphQLObjectType, GraphQLScalarType, Kind, type GraphQLSchema } from 'graphql';
import { relations, rootFields, sdl } from '../../generated/graphql-map';
import { invoke, type GraphqlContext } from './invoke';
import { loadRelation } from './relations';

/** An integer beyond GraphQL's 32-bit Int, up to ±2^53−1 (JSON numbers stay exact that far). */
function safeInteger(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new GraphQLError(`Int53 cannot represent ${JSON.stringify(v)}`);
  return v;
}

let built: GraphQLSchema | undefined;

export function graphqlSchema(): GraphQLSchema {
  if (built) return built;
  const schema = buildSchema(sdl);
  const int53 = schema.getType('Int53');
  if (int53 instanceof GraphQLScalarType) {
    int53.serialize = safeInteger;
    int53.parseValue = safeInteger;
    int53.parseLiteral = (ast) => {
      if (ast.kind !== Kind.INT) throw new GraphQLError('Int53 takes an integer');
      return safeInteger(Number(ast.value));
    };
  }
  const query = schema.getQueryType()!.getFields();
  for (const [name, root] of Object.entries(rootFields)) {
    query[name].resolve = (_source, args: Record<string, unknown>, gctx: GraphqlContext) => invoke(root, args, gctx);
  }
  for (const [typeName, fields] of Object.entries(relations)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`graphql: ${typeName} is not an object type`);
    for (const [field, link] of Object.entries(fields)) {
      type.getFields()[field].resolve = (source: Record<string, unknown>, _args, gctx: GraphqlContext) => loadRelation(link, source[link.from], gctx);
    }
  }
  return (built = schema);
}

/** Is this field one that runs a REST operation (a root field or a relation)? Each costs a point. */
export const runsOperation = (parentType: string, field: string, queryType: string) =>
  parentType === queryType ? field in rootFields : Boolean(relations[parentType]?.[field]);
