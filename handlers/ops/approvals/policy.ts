// A project's approval policy: its rules in order, the first match deciding. A project that never
// set one has the default (production needs one approval from an admin or owner).
import type pg from 'pg';
import type { components } from '../../../generated/openapi-types';
import { ApiError } from '../../../src/errors';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type PolicyRule = components['schemas']['ApprovalPolicyRule'];
export type PolicyJson = components['schemas']['ApprovalPolicy'];
export type Environment = components['schemas']['ConnectionEnvironment'];
export type GatedActionName = components['schemas']['ApprovalAction'];

/** What applies when a project has no policy row. */
export const DEFAULT_RULES: readonly PolicyRule[] = [
  { action: 'patch.execute', environments: ['production'], min_rows: null, required_approvals: 1, approver_roles: ['owner', 'admin'] },
  { action: 'patch.rollback', environments: ['production'], min_rows: null, required_approvals: 1, approver_roles: ['owner', 'admin'] },
];

/** One shape for every rule stored or shown: `min_rows` always present (null: any count). */
export const normaliseRule = (r: PolicyRule): PolicyRule => ({
  action: r.action,
  environments: r.environments,
  min_rows: r.min_rows ?? null,
  required_approvals: r.required_approvals,
  approver_roles: r.approver_roles,
});

export async function loadPolicy(db: Queryable, orgId: string, projectId: string): Promise<PolicyJson> {
  const { rows } = await db.query<{ rules: PolicyRule[]; updated_by: string | null; updated_at: Date }>(
    'SELECT rules, updated_by, updated_at FROM approval_policies WHERE org_id = $1 AND project_id = $2',
    [orgId, projectId],
  );
  if (!rows[0]) return { project_id: projectId, rules: DEFAULT_RULES.map(normaliseRule), is_default: true, updated_by: null, updated_at: null };
  return { project_id: projectId, rules: rows[0].rules.map(normaliseRule), is_default: false, updated_by: rows[0].updated_by, updated_at: rows[0].updated_at.toISOString() };
}

/**
 * The rule that applies, or null (no approval needed). `min_rows` starts a rule at a count; an
 * unknown count matches it (failing closed: a rule is never skipped for lack of a number).
 */
export function matchRule(rules: readonly PolicyRule[], action: GatedActionName, environment: Environment, affectedRows: number | null): PolicyRule | null {
  return rules.find((r) =>
    r.action === action
    && r.environments.includes(environment)
    && (r.min_rows === null || r.min_rows === undefined || affectedRows === null || affectedRows >= r.min_rows)) ?? null;
}

/**
 * What the schema cannot say: a rule that can never apply because an earlier one matches every
 * case it covers (same action, its environments included, a lower or no row threshold) is
 * certainly a mistake — 400 naming it.
 */
export function checkRules(rules: readonly PolicyRule[]): void {
  rules.forEach((later, j) => {
    const i = rules.slice(0, j).findIndex((earlier) =>
      earlier.action === later.action
      && later.environments.every((e) => earlier.environments.includes(e))
      && (earlier.min_rows ?? 0) <= (later.min_rows ?? 0));
    if (i >= 0) {
      const msg = `never applies: rule ${i} matches every case it covers first`;
      throw new ApiError('VALIDATION_ERROR', `rules[${j}] ${msg}`, { details: [{ loc: ['body', 'rules', j], msg, type: 'shadowed' }] });
    }
  });
}
