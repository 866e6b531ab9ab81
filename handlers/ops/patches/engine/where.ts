// A patch's WHERE, parsed as part of a whole statement by PostgreSQL's own parser
// (libpg-query): `SELECT 1 FROM <table> WHERE <where>` must be exactly one SELECT with exactly
// that FROM and nothing else, so `true) OR (1=1`, `1=1; DROP …`, comment tricks, CTEs, UNIONs
// and locking clauses all fail here. The condition's tree is then checked against an allow-list
// (where-rules.ts) and deparsed to canonical SQL, which is what is stored, hashed and run.
import { parseSync } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';
import { PatchInputError } from './errors';
import { quoteTable, type TableName } from './identifiers';
import { ensureParser } from './parser';
import {
  ALLOWED_CAST_TYPES, ALLOWED_EXPR_KINDS, ALLOWED_FUNCTIONS, ALLOWED_OPERATORS, MAX_WHERE_DEPTH,
  MAX_WHERE_LENGTH, REFUSED_NODE_MESSAGES,
} from './where-rules';

export interface ParsedWhere {
  /** Canonical SQL of the condition; 'TRUE' for an all-rows patch. */
  canonical: string;
  /** The condition references no column (empty, `true`, `1=1`…): it selects every row or none. */
  allRows: boolean;
  /** Columns the condition reads, checked against the table on the target. */
  columns: string[];
  /** Operator symbols the condition uses, checked on the target for user-defined overloads. */
  operators: string[];
}

type Node = Record<string, unknown>;

const invalid = (message: string) => new PatchInputError('where', 'INVALID_WHERE', message);

/** The only keys a plain `SELECT 1 FROM t WHERE …` has; anything else is a clause someone slipped in. */
const SELECT_KEYS = 'fromClause,limitOption,op,targetList,whereClause';

function parseWrapper(table: TableName, where: string): Node {
  let stmts: { stmt?: Node }[];
  try {
    stmts = (parseSync(`SELECT 1 FROM ${quoteTable(table)} WHERE ${where}`).stmts ?? []) as { stmt?: Node }[];
  } catch (err) {
    const details = (err as { sqlDetails?: { message?: string } }).sqlDetails;
    // The parser's message ("syntax error at or near …") is our own library's, not a server's.
    throw invalid(`where is not a valid SQL condition${details?.message ? `: ${details.message}` : ''}`);
  }
  if (stmts.length !== 1) throw invalid('where must be a single condition (one statement)');
  const select = (stmts[0].stmt as { SelectStmt?: Node } | undefined)?.SelectStmt;
  if (!select) throw invalid('where must be a single condition');
  if (Object.keys(select).sort().join(',') !== SELECT_KEYS || select.op !== 'SETOP_NONE' || select.limitOption !== 'LIMIT_OPTION_DEFAULT')
    throw invalid('where must be a condition only (no other clause)');
  const from = select.fromClause as { RangeVar?: Node }[];
  const rv = from.length === 1 ? from[0].RangeVar : undefined;
  if (!rv || rv.schemaname !== table.schema || rv.relname !== table.name || rv.alias || rv.catalogname)
    throw invalid('where must be a condition only (no other table)');
  const target = select.targetList as Node[];
  if (target.length !== 1 || JSON.stringify(stripLocations(target[0])) !== '{"ResTarget":{"val":{"A_Const":{"ival":{"ival":1}}}}}')
    throw invalid('where must be a condition only');
  return select.whereClause as Node;
}

function stripLocations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripLocations);
  if (v && typeof v === 'object') {
    const out: Node = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'location' && !k.endsWith('_start') && !k.endsWith('_end')) out[k] = stripLocations(x);
    return out;
  }
  return v;
}

function strings(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const s = (item as { String?: { sval?: string } }).String;
    if (!s || typeof s.sval !== 'string') return undefined;
    out.push(s.sval);
  }
  return out;
}

class Checker {
  readonly columns = new Set<string>();
  readonly operators = new Set<string>();
  constructor(private readonly table: TableName) {}

  check(node: unknown, depth: number): void {
    if (depth > MAX_WHERE_DEPTH) throw invalid('where is nested too deeply');
    if (node === undefined || node === null) return;
    if (Array.isArray(node)) {
      for (const n of node) this.check(n, depth + 1);
      return;
    }
    const entries = Object.entries(node as Node);
    if (entries.length !== 1) throw invalid('where contains an unexpected construct');
    const [kind, body] = entries[0] as [string, Node];
    switch (kind) {
      case 'A_Const':
      case 'SQLValueFunction':
        return;
      case 'BoolExpr':
      case 'RowExpr':
      case 'CoalesceExpr':
      case 'MinMaxExpr':
        return this.check(body.args, depth);
      case 'List':
        return this.check(body.items, depth);
      case 'A_ArrayExpr':
        return this.check(body.elements, depth);
      case 'NullTest':
      case 'BooleanTest':
      case 'CollateClause':
        return this.check(body.arg, depth);
      case 'CaseExpr':
        this.check(body.arg, depth);
        this.check(body.args, depth);
        return this.check(body.defresult, depth);
      case 'CaseWhen':
        this.check(body.expr, depth);
        return this.check(body.result, depth);
      case 'A_Indirection':
        this.check(body.arg, depth);
        for (const ind of (body.indirection as Node[]) ?? []) {
          if ('A_Indices' in ind) {
            const idx = ind.A_Indices as Node;
            this.check(idx.lidx, depth + 1);
            this.check(idx.uidx, depth + 1);
          } else if (!('String' in ind)) throw invalid('where contains an unexpected subscript');
        }
        return;
      case 'A_Expr':
        return this.checkExpr(body, depth);
      case 'ColumnRef':
        return this.checkColumn(body);
      case 'TypeCast':
        return this.checkCast(body, depth);
      case 'FuncCall':
        return this.checkFunction(body, depth);
      default:
        throw invalid(REFUSED_NODE_MESSAGES[kind] ?? `where cannot contain ${kind}`);
    }
  }

  private checkExpr(body: Node, depth: number): void {
    const kind = body.kind as string;
    if (!ALLOWED_EXPR_KINDS.has(kind)) throw invalid('where contains an operator that is not allowed');
    const name = strings(body.name);
    if (!name || name.length !== 1) throw invalid('where cannot name an operator by schema');
    if (!kind.includes('BETWEEN')) {
      if (!ALLOWED_OPERATORS.has(name[0])) throw invalid(`operator ${name[0]} is not allowed in where`);
      this.operators.add(name[0]);
    }
    this.check(body.lexpr, depth + 1);
    this.check(body.rexpr, depth + 1);
  }

  private checkColumn(body: Node): void {
    const fields = strings(body.fields);
    if (!fields) throw invalid('where cannot use * or an unusual column reference');
    if (fields.length === 1) this.columns.add(fields[0]);
    else if (fields.length === 2 && fields[0] === this.table.name) this.columns.add(fields[1]);
    else throw invalid('where may only reference columns of the patched table');
  }

  private checkCast(body: Node, depth: number): void {
    const typeName = body.typeName as Node;
    const names = strings(typeName?.names);
    const ok = names && (names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog'));
    if (!ok || !ALLOWED_CAST_TYPES.has(names[names.length - 1]) || typeName.setof || typeName.typmods && !Array.isArray(typeName.typmods))
      throw invalid('where casts to a type that is not allowed');
    this.check(typeName.typmods, depth + 1);
    this.check(body.arg, depth + 1);
  }

  private checkFunction(body: Node, depth: number): void {
    const names = strings(body.funcname);
    const ok = names && (names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog'));
    const fn = names?.[names.length - 1];
    if (!ok || !fn || !ALLOWED_FUNCTIONS.has(fn)) throw invalid(`function ${names?.join('.') ?? '?'} is not allowed in where`);
    for (const k of ['agg_order', 'agg_filter', 'over', 'agg_within_group', 'agg_star', 'agg_distinct', 'func_variadic'])
      if (body[k]) throw invalid('where cannot use aggregates, windows or variadic calls');
    // Pinned to pg_catalog: a same-named function earlier on the target's search_path is never picked.
    if (names.length === 1) body.funcname = [{ String: { sval: 'pg_catalog' } }, { String: { sval: fn } }];
    this.check(body.args, depth + 1);
  }
}

export async function parseWhere(table: TableName, where: unknown, opts: { allowAllRows: boolean }): Promise<ParsedWhere> {
  if (where !== undefined && where !== null && typeof where !== 'string') throw invalid('where must be a string');
  const text = (where ?? '').trim();
  if (text.length > MAX_WHERE_LENGTH) throw invalid(`where is longer than ${MAX_WHERE_LENGTH} characters`);
  // The parser reads a C string: it would stop at a NUL and never see what follows.
  if (text.includes('\u0000')) throw invalid('where cannot contain NUL characters');
  const refuseAll = () =>
    new PatchInputError('where', 'ALL_ROWS_NOT_ALLOWED', 'where selects every row; set allow_all_rows to patch the whole table');
  if (text === '') {
    if (!opts.allowAllRows) throw refuseAll();
    return { canonical: 'TRUE', allRows: true, columns: [], operators: [] };
  }
  await ensureParser();
  const tree = parseWrapper(table, text);
  const checker = new Checker(table);
  checker.check(tree, 0);
  let canonical: string;
  try {
    canonical = deparseSync(tree as never, { pretty: false }).trim();
  } catch {
    throw invalid('where could not be put in canonical form');
  }
  // The canonical text must mean exactly the checked tree: re-parse it and compare.
  const again = parseWrapper(table, canonical);
  if (JSON.stringify(stripLocations(again)) !== JSON.stringify(stripLocations(tree)))
    throw invalid('where could not be put in canonical form');
  const allRows = checker.columns.size === 0;
  if (allRows && !opts.allowAllRows) throw refuseAll();
  return { canonical, allRows, columns: [...checker.columns].sort(), operators: [...checker.operators].sort() };
}
