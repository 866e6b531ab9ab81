// The limits a GraphQL document must keep before anything runs (checked with the spec's rules in
// one validate pass, and cached per document text): tokens (at parse), depth and aliases here.
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

export const LIMITS = {
  /** graphql-js stops parsing past this many tokens (a cheap bound on the work of everything after). */
  maxTokens: 2000,
  /** Nested selection sets, introspection fields (`__schema`, `__type`: no database work) aside. */
  maxDepth: 8,
  /** Aliased fields in the whole document: each alias of a root field is another REST call. */
  maxAliases: 15,
  /** Rate-limit points one query may cost (see cost.ts). */
  maxCost: 50,
} as const;

const INTROSPECTION = new Set(['__schema', '__type']);

function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const s of set.selections) {
    let d = 0;
    if (s.kind === Kind.FIELD) d = INTROSPECTION.has(s.name.value) ? 0 : s.selectionSet ? 1 + depthOf(s.selectionSet, fragments, seen) : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, fragments, seen);
    else {
      const name = s.name.value;
      const f = fragments.get(name);
      // A cycle is NoFragmentCyclesRule's to report; an unknown fragment KnownFragmentNamesRule's.
      if (f && !seen.has(name)) d = depthOf(f.selectionSet, fragments, new Set(seen).add(name));
    }
    max = Math.max(max, d);
  }
  return max;
}

export function maxDepthRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map(context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  return {
    OperationDefinition(node) {
      const depth = depthOf(node.selectionSet, fragments, new Set());
      if (depth > LIMITS.maxDepth) context.reportError(new GraphQLError(`The query is ${depth} levels deep; at most ${LIMITS.maxDepth}`, { nodes: node }));
      return false;
    },
  };
}

export function maxAliasesRule(context: ValidationContext): ASTVisitor {
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias) aliases++;
    },
    Document: {
      leave(node) {
        if (aliases > LIMITS.maxAliases) context.reportError(new GraphQLError(`The query has ${aliases} aliases; at most ${LIMITS.maxAliases}`, { nodes: node }));
      },
    },
  };
}
