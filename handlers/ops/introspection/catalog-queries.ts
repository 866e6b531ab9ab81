// The pg_catalog queries of an introspection, one per object kind. Every catalog table and function
// is schema-qualified (pg_catalog.x) and the snapshot transaction sets search_path to
// `pg_catalog, pg_temp`, so a target's own objects can shadow nothing — not even an operator — and
// every name pg_get_*def prints outside pg_catalog comes schema-qualified, whoever connects.
//
// Each query returns one `json` object per row (int8 values as text: JSON numbers lose them past
// 2^53). Order does not matter here: snapshot.ts sorts by stable keys. No oid leaves these queries.

/** Not a system schema: pg_catalog, information_schema, pg_toast, and every session's temporary schemas. */
const userSchema = (n: string) =>
  `${n}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
   AND ${n}.nspname NOT LIKE 'pg\\_temp\\_%' AND ${n}.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

/** Not a member of an extension (created by its script: the extension owns it, not the user). */
const notExtensionMember = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                WHERE e.classid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

/** A relation of the user's: in a user schema, not an extension's. */
const userRelation = (c: string, n: string) => `${userSchema(n)} AND ${notExtensionMember('pg_class', `${c}.oid`)}`;

export const CATALOG_QUERIES = {
  extensions: `
    SELECT pg_catalog.json_build_object('name', x.extname, 'version', x.extversion, 'schema', n.nspname) AS o
      FROM pg_catalog.pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace`,

  schemas: `
    SELECT pg_catalog.json_build_object('name', n.nspname, 'comment', pg_catalog.obj_description(n.oid, 'pg_namespace')) AS o
      FROM pg_catalog.pg_namespace n
     WHERE ${userSchema('n')} AND ${notExtensionMember('pg_namespace', 'n.oid')}`,

  // Columns of every relation we describe (tables, views, materialized views, composite types),
  // keyed by `relation` (the qualified name) for snapshot.ts to attach. `position` counts live
  // columns only: a dropped column leaves a hole in attnum that a fresh CREATE would not have.
  columns: `
    SELECT pg_catalog.json_build_object(
             'relation', c.oid::pg_catalog.regclass::pg_catalog.text,
             'position', pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
             'name', a.attname,
             'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
             'not_null', a.attnotnull,
             'default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
             'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by_default' END,
             'generated', CASE WHEN a.attgenerated <> '' THEN pg_catalog.json_build_object(
                            'kind', CASE a.attgenerated WHEN 's' THEN 'stored' ELSE 'virtual' END,
                            'expression', pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)) END,
             'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                               THEN a.attcollation::pg_catalog.regcollation::pg_catalog.text END,
             'comment', pg_catalog.col_description(a.attrelid, a.attnum)) AS o
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c')
       AND ${userRelation('c', 'n')}`,

  tables: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'name', c.relname,
             'qualified', c.oid::pg_catalog.regclass::pg_catalog.text,
             'kind', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned_table' ELSE 'foreign_table' END,
             'persistence', CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 't' THEN 'temporary' ELSE 'permanent' END,
             'partition_key', CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
             'partition_of', (SELECT i.inhparent::pg_catalog.regclass::pg_catalog.text FROM pg_catalog.pg_inherits i
                               WHERE c.relispartition AND i.inhrelid = c.oid),
             'partition_bound', CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
             'inherits', COALESCE((SELECT pg_catalog.json_agg(i.inhparent::pg_catalog.regclass::pg_catalog.text ORDER BY i.inhseqno)
                                     FROM pg_catalog.pg_inherits i WHERE NOT c.relispartition AND i.inhrelid = c.oid), '[]'),
             'access_method', am.amname,
             'options', COALESCE(pg_catalog.to_json(c.reloptions), '[]'),
             'rls_enabled', c.relrowsecurity, 'rls_forced', c.relforcerowsecurity,
             'comment', pg_catalog.obj_description(c.oid, 'pg_class')) AS o
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
     WHERE c.relkind IN ('r', 'p', 'f') AND ${userRelation('c', 'n')}`,

  views: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'name', c.relname,
             'qualified', c.oid::pg_catalog.regclass::pg_catalog.text,
             'materialized', c.relkind = 'm',
             'definition', pg_catalog.pg_get_viewdef(c.oid, true),
             'options', COALESCE(pg_catalog.to_json(c.reloptions), '[]'),
             'comment', pg_catalog.obj_description(c.oid, 'pg_class')) AS o
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('v', 'm') AND ${userRelation('c', 'n')}`,

  // Parameters only: last_value is data, not schema.
  sequences: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'name', c.relname,
             'data_type', pg_catalog.format_type(s.seqtypid, NULL),
             'start', s.seqstart::pg_catalog.text, 'increment', s.seqincrement::pg_catalog.text,
             'min', s.seqmin::pg_catalog.text, 'max', s.seqmax::pg_catalog.text,
             'cache', s.seqcache::pg_catalog.text, 'cycle', s.seqcycle,
             'persistence', CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 't' THEN 'temporary' ELSE 'permanent' END,
             'owned_by', (SELECT pg_catalog.json_build_object('table', d.refobjid::pg_catalog.regclass::pg_catalog.text, 'column', a.attname)
                            FROM pg_catalog.pg_depend d
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                           WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                             AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')),
             'identity', EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'i'),
             'comment', pg_catalog.obj_description(c.oid, 'pg_class')) AS o
      FROM pg_catalog.pg_sequence s
      JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE ${userRelation('c', 'n')}`,

  // User-defined types other than enums: domains (with their constraints), composite types (with
  // their attributes, attached by snapshot.ts through `relation`), ranges, base types. The array
  // type PostgreSQL makes for each, and a range's multirange, are implicit: not listed.
  types: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'name', t.typname,
             'kind', CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' ELSE 'base' END,
             'relation', CASE WHEN t.typtype = 'c' THEN t.typrelid::pg_catalog.regclass::pg_catalog.text END,
             'base_type', CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END,
             'not_null', t.typnotnull,
             'default', t.typdefault,
             'collation', CASE WHEN t.typtype = 'd' AND t.typcollation <> 0
                                    AND t.typcollation <> (SELECT b.typcollation FROM pg_catalog.pg_type b WHERE b.oid = t.typbasetype)
                               THEN t.typcollation::pg_catalog.regcollation::pg_catalog.text END,
             'subtype', CASE WHEN t.typtype = 'r' THEN pg_catalog.format_type(r.rngsubtype, NULL) END,
             'constraints', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                                               'name', k.conname, 'definition', pg_catalog.pg_get_constraintdef(k.oid, false))
                                             ORDER BY k.conname COLLATE pg_catalog."C")
                                        FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '[]'),
             'comment', pg_catalog.obj_description(t.oid, 'pg_type')) AS o
      FROM pg_catalog.pg_type t
      JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
      LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
     WHERE (t.typtype IN ('d', 'r', 'b') OR (t.typtype = 'c' AND c.relkind = 'c'))
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.typarray = t.oid)
       AND ${userSchema('n')} AND ${notExtensionMember('pg_type', 't.oid')}`,

  enums: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'name', t.typname,
             'labels', COALESCE((SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder)
                                   FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '[]'),
             'comment', pg_catalog.obj_description(t.oid, 'pg_type')) AS o
      FROM pg_catalog.pg_type t
      JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype = 'e' AND ${userSchema('n')} AND ${notExtensionMember('pg_type', 't.oid')}`,

  // pg_get_functiondef has everything (arguments, result, language, volatility, security,
  // settings, body). It refuses aggregates: theirs is built from pg_aggregate.
  functions: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'name', p.proname,
             'kind', CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END,
             'identity_arguments', pg_catalog.pg_get_function_identity_arguments(p.oid),
             'result', pg_catalog.pg_get_function_result(p.oid),
             'language', l.lanname,
             'definition', CASE WHEN p.prokind = 'a'
                             THEN 'AGGREGATE (SFUNC = ' || ag.aggtransfn::pg_catalog.regproc::pg_catalog.text
                                  || ', STYPE = ' || pg_catalog.format_type(ag.aggtranstype, NULL)
                                  || COALESCE(', FINALFUNC = ' || NULLIF(ag.aggfinalfn::pg_catalog.oid, 0)::pg_catalog.regproc::pg_catalog.text, '')
                                  || COALESCE(', COMBINEFUNC = ' || NULLIF(ag.aggcombinefn::pg_catalog.oid, 0)::pg_catalog.regproc::pg_catalog.text, '')
                                  || COALESCE(', INITCOND = ' || pg_catalog.quote_literal(ag.agginitval), '') || ')'
                             ELSE pg_catalog.pg_get_functiondef(p.oid) END,
             'comment', pg_catalog.obj_description(p.oid, 'pg_proc')) AS o
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      JOIN pg_catalog.pg_language l ON l.oid = p.prolang
      LEFT JOIN pg_catalog.pg_aggregate ag ON ag.aggfnoid = p.oid
     WHERE ${userSchema('n')} AND ${notExtensionMember('pg_proc', 'p.oid')}
       -- A range type's constructors are part of the type (internal dependency), not the user's.
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                        WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'i')`,

  // Table constraints. NOT NULL is a column property here (PostgreSQL 18 also catalogues it as
  // contype 'n'); constraint triggers are triggers. As pg_dump does: a partition's primary key,
  // unique and exclusion constraints are its own (each has its own index); a foreign key cloned
  // from a partitioned parent (conparentid) or a check only inherited (not conislocal) is listed
  // once, on its parent.
  constraints: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'table', c.relname, 'name', k.conname,
             'type', CASE k.contype WHEN 'p' THEN 'primary_key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign_key'
                                    WHEN 'c' THEN 'check' ELSE 'exclusion' END,
             'definition', pg_catalog.pg_get_constraintdef(k.oid, false),
             'comment', pg_catalog.obj_description(k.oid, 'pg_constraint')) AS o
      FROM pg_catalog.pg_constraint k
      JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE (k.contype IN ('p', 'u', 'x') OR (k.contype IN ('f', 'c') AND k.conparentid = 0 AND k.conislocal))
       AND ${userRelation('c', 'n')}`,

  // Every index, those backing a constraint too (`constraint` names it), partitions' included.
  indexes: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'table', c.relname, 'name', i.relname,
             'definition', pg_catalog.pg_get_indexdef(i.oid),
             'constraint', (SELECT k.conname FROM pg_catalog.pg_constraint k
                             WHERE k.conindid = i.oid AND k.conrelid = c.oid AND k.contype IN ('p', 'u', 'x')),
             'valid', x.indisvalid,
             'comment', pg_catalog.obj_description(i.oid, 'pg_class')) AS o
      FROM pg_catalog.pg_index x
      JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE ${userRelation('c', 'n')} AND ${notExtensionMember('pg_class', 'i.oid')}`,

  // User triggers (not the internal ones behind foreign keys); a partition's clone of its parent's
  // trigger (tgparentid) is listed once, on the parent.
  triggers: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'table', c.relname, 'name', t.tgname,
             'definition', pg_catalog.pg_get_triggerdef(t.oid, false),
             'enabled', CASE t.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END,
             'comment', pg_catalog.obj_description(t.oid, 'pg_trigger')) AS o
      FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT t.tgisinternal AND t.tgparentid = 0
       AND ${userRelation('c', 'n')} AND ${notExtensionMember('pg_trigger', 't.oid')}`,

  policies: `
    SELECT pg_catalog.json_build_object(
             'schema', n.nspname, 'table', c.relname, 'name', p.polname,
             'command', CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
             'permissive', p.polpermissive,
             'roles', COALESCE((SELECT pg_catalog.json_agg(CASE WHEN r.oid = 0 THEN 'public' ELSE ro.rolname::pg_catalog.text END
                                                      ORDER BY CASE WHEN r.oid = 0 THEN 'public' ELSE ro.rolname::pg_catalog.text END COLLATE pg_catalog."C")
                                  FROM pg_catalog.unnest(p.polroles) AS r(oid)
                                  LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = r.oid), '[]'),
             'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
             'with_check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid),
             'comment', pg_catalog.obj_description(p.oid, 'pg_policy')) AS o
      FROM pg_catalog.pg_policy p
      JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE ${userRelation('c', 'n')}`,
} as const;

export type CatalogKind = keyof typeof CATALOG_QUERIES;
