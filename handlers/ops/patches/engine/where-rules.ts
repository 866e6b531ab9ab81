// What a patch's WHERE may contain. An allow-list, not a deny-list: anything the list does not
// name (subqueries, parameters, unknown functions, casts to exotic types…) is refused. Every
// function here is a built-in without side effects; functions are pinned to pg_catalog so a
// same-named function elsewhere on the target's search_path cannot be picked instead. Volatile
// built-ins (random, clock_timestamp) are refused too: a dry-run must predict the execute.

export const ALLOWED_FUNCTIONS = new Set([
  // text
  'lower', 'upper', 'length', 'char_length', 'character_length', 'octet_length', 'btrim', 'ltrim', 'rtrim',
  'substring', 'substr', 'position', 'strpos', 'left', 'right', 'replace', 'concat', 'concat_ws', 'lpad',
  'rpad', 'split_part', 'starts_with', 'md5', 'initcap', 'reverse', 'regexp_replace', 'regexp_like',
  'similar_to_escape', 'like_escape', 'overlay', 'translate',
  // numbers
  'abs', 'round', 'trunc', 'floor', 'ceil', 'ceiling', 'mod', 'sign',
  // dates and times (now() is the transaction's start: stable within the patch's transaction)
  'extract', 'date_part', 'date_trunc', 'now', 'timezone', 'to_char', 'to_date', 'to_timestamp', 'to_number',
  'age', 'make_date', 'make_interval', 'isfinite', 'overlaps',
  // json and arrays
  'jsonb_typeof', 'json_typeof', 'jsonb_array_length', 'json_array_length', 'jsonb_extract_path_text',
  'jsonb_extract_path', 'array_length', 'cardinality', 'array_position',
]);

/** Operators by symbol; `OPERATOR(schema.op)` is refused outright. See target-table.ts for user-defined ones. */
export const ALLOWED_OPERATORS = new Set([
  '=', '<>', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '^', '||',
  '~~', '!~~', '~~*', '!~~*', '~', '~*', '!~', '!~*',
  '@>', '<@', '&&', '?', '?|', '?&', '->', '->>', '#>', '#>>',
]);

/** A_Expr kinds (comparison shapes) the WHERE may use. */
export const ALLOWED_EXPR_KINDS = new Set([
  'AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL', 'AEXPR_DISTINCT', 'AEXPR_NOT_DISTINCT', 'AEXPR_NULLIF',
  'AEXPR_IN', 'AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR',
  'AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN', 'AEXPR_BETWEEN_SYM', 'AEXPR_NOT_BETWEEN_SYM',
]);

/** Types a value may be cast to (their input functions are built-in and pure). */
export const ALLOWED_CAST_TYPES = new Set([
  'bool', 'boolean', 'int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint', 'numeric', 'decimal',
  'float4', 'float8', 'real', 'text', 'varchar', 'bpchar', 'char', 'date', 'time', 'timetz', 'timestamp',
  'timestamptz', 'interval', 'uuid', 'json', 'jsonb', 'bytea', 'inet', 'cidr', 'macaddr',
]);

/** Why a node kind is refused, for the kinds people actually try. */
export const REFUSED_NODE_MESSAGES: Record<string, string> = {
  SubLink: 'subqueries are not allowed in where',
  ParamRef: 'parameters ($1) are not allowed in where',
  FuncCall: 'this function is not allowed in where',
  A_Star: '* is not allowed in where',
};

export const MAX_WHERE_LENGTH = 10_000;
export const MAX_WHERE_DEPTH = 64;
