// The approvals tests' world: the patches world (two organisations, two projects, keys, an owner
// session, a viewer and a developer) plus production and staging connections, project admins, keys
// that read approvals, and helpers that open requests through the real gate (handlers/ops/approvals/gate.ts).
import { randomUUID } from 'node:crypto';
import { passApprovalGate, type GateResult, type GateSubject } from '../../handlers/ops/approvals/gate';
import type { KeyPrincipal, SessionPrincipal } from '../../src/auth/principal';
import { insertSession, type Session } from '../helpers/battery-world';
import { createApiKey, createUser } from '../helpers/factories';
import { createProjectKey, insertConnectionRow } from '../helpers/ops-factories';
import { seedPatch, startPatchWorld, type PatchWorld } from './patches-support';

export interface Person { id: string; session: Session; principal: SessionPrincipal }

export interface ApprovalWorld extends PatchWorld {
  prodConnectionId: string;
  stagingConnectionId: string;
  /** Project role admin in projectId (two of them, for two-approval rules). */
  admin: Person;
  admin2: Person;
  /** Project role developer in projectId, with its user id. */
  dev: Person;
  viewerPerson: Person;
  ownerPerson: Person;
  /** approvals:read + patches:read, every project; created by `admin`. */
  approvalsKey: string;
  approvalsKeyId: string;
  /** Bound to otherProjectId, with approvals:read. */
  otherProjectApprovalsKey: string;
  /** The other organisation's owner session. */
  otherOwner: Session;
}

const sessionPrincipal = (orgId: string, userId: string, role: SessionPrincipal['role']): SessionPrincipal =>
  ({ kind: 'user', orgId, projectId: null, userId, sessionId: randomUUID(), role });

export const keyPrincipal = (orgId: string, keyId: string, projectId: string | null = null): KeyPrincipal =>
  ({ kind: 'api_key', orgId, projectId, keyId, scopes: ['patches:execute'] });

async function person(w: PatchWorld, orgRole: 'owner' | 'admin' | 'member', projectRole: string | null, projectId = w.projectId): Promise<Person> {
  const user = await createUser(w.h.db, { orgId: w.orgId, role: orgRole });
  if (projectRole) {
    await w.h.db.query('INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, $4)', [w.orgId, projectId, user.id, projectRole]);
  }
  return { id: user.id, session: await insertSession(w.h.db, user.id, w.orgId), principal: sessionPrincipal(w.orgId, user.id, orgRole) };
}

export async function startApprovalWorld(): Promise<ApprovalWorld> {
  const w = await startPatchWorld();
  const db = w.h.db;
  const prodConnectionId = (await insertConnectionRow(db, w.orgId, w.projectId, { environment: 'production' })).id;
  const stagingConnectionId = (await insertConnectionRow(db, w.orgId, w.projectId, { environment: 'staging' })).id;
  const admin = await person(w, 'member', 'admin');
  const admin2 = await person(w, 'member', 'admin');
  const dev = await person(w, 'member', 'developer');
  const viewerPerson = await person(w, 'member', 'viewer');
  const ownerPerson = await person(w, 'owner', null);
  const k = await createApiKey(db, { orgId: w.orgId, scopes: ['approvals:read', 'patches:read'], rateLimitPerMinute: 100_000, createdBy: admin.id });
  const otherProjectApprovalsKey = (await createProjectKey(db, { orgId: w.orgId, projectId: w.otherProjectId, scopes: ['approvals:read'], rateLimitPerMinute: 100_000 })).key;
  const otherOwnerUser = await createUser(db, { orgId: w.other.orgId, role: 'owner' });
  return {
    ...w, prodConnectionId, stagingConnectionId, admin, admin2, dev, viewerPerson, ownerPerson,
    approvalsKey: k.key, approvalsKeyId: k.id, otherProjectApprovalsKey, otherOwner: await insertSession(db, otherOwnerUser.id, w.other.orgId),
  };
}

/** A patch on the production connection, with a dry-run of its current content (so `dry_run` shows). */
export async function prodPatch(w: ApprovalWorld, opts: { connectionId?: string; affectedRows?: number; dryRun?: boolean } = {}) {
  const p = await seedPatch(w, { connectionId: opts.connectionId ?? w.prodConnectionId });
  if (opts.dryRun !== false) {
    const dryRun = {
      run_id: randomUUID(), content_hash: p.content_hash, affected_rows: opts.affectedRows ?? 3, at: new Date().toISOString(),
      samples: [{ pk: { id: 1 }, before: { id: 1, note: null }, after: { id: 1, note: 'x' } }],
    };
    await w.h.db.query('UPDATE patches SET last_dry_run = $2 WHERE id = $1', [p.id, dryRun]);
  }
  return p;
}

export const subjectOf = (w: ApprovalWorld, p: { id: string; content_hash: string }, over: Partial<GateSubject> = {}): GateSubject => ({
  action: 'patch.execute', projectId: w.projectId, connectionId: w.prodConnectionId, subjectType: 'patch', subjectId: p.id,
  subjectHash: p.content_hash, affectedRows: 3, ...over,
});

/** The gate as executePatch runs it: in a transaction, with the patch row locked. */
export async function gate(w: ApprovalWorld, principal: SessionPrincipal | KeyPrincipal, subject: GateSubject): Promise<GateResult> {
  const tx = await w.h.db.connect();
  try {
    await tx.query('BEGIN');
    await tx.query('SELECT 1 FROM patches WHERE id = $1 FOR UPDATE', [subject.subjectId]);
    const result = await passApprovalGate(tx, principal, subject);
    await tx.query('COMMIT');
    return result;
  } catch (err) {
    await tx.query('ROLLBACK');
    throw err;
  } finally {
    tx.release();
  }
}

/** Opens a pending request on a production patch, requested by `by` (default: the developer). */
export async function openRequest(w: ApprovalWorld, by: SessionPrincipal | KeyPrincipal = w.dev.principal, opts: Parameters<typeof prodPatch>[1] = {}) {
  const patch = await prodPatch(w, opts);
  const result = await gate(w, by, subjectOf(w, patch, { connectionId: opts.connectionId ?? w.prodConnectionId }));
  if (result.ok) throw new Error('expected the gate to open a request');
  return { patch, approvalId: result.approvalId };
}

export const requestRow = async (w: ApprovalWorld, id: string) =>
  (await w.h.db.query('SELECT *, expires_at <= now() AS expired FROM approval_requests WHERE id = $1', [id])).rows[0];

export const patchStatus = async (w: ApprovalWorld, id: string) =>
  (await w.h.db.query<{ status: string }>('SELECT status FROM patches WHERE id = $1', [id])).rows[0].status;

export const setPolicy = (w: ApprovalWorld, rules: object[], projectId = w.projectId) =>
  w.h.db.query(
    `INSERT INTO approval_policies (org_id, project_id, rules) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, project_id) DO UPDATE SET rules = EXCLUDED.rules`,
    [w.orgId, projectId, JSON.stringify(rules)],
  );

export const clearPolicy = (w: ApprovalWorld, projectId = w.projectId) =>
  w.h.db.query('DELETE FROM approval_policies WHERE project_id = $1', [projectId]);
