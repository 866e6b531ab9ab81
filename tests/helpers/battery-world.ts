// The reliability and security battery's world (tests/fuzz, tests/security, tests/faults): two
// organisations, each with every kind of row the API can show (POS and partner data, API keys, audit events,
// webhook subscriptions with deliveries, ops projects with members, connections and runs), an
// all-scope API key, a key bound to its first project, and an owner session, and
// credentials made straight in the database (no login round trip, no scrypt per request).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type request from 'supertest';
import { csrfTokenFor, newSessionToken, SESSION_COOKIE } from '../../src/auth/session-token';
import { DEVELOPMENT_SECRETS_KEY, encryptSecret, generateSecret } from '../../src/webhooks/secrets';
import { projectScopes } from '../../generated/operations';
import { createApiKey, createOrg, createUser } from './factories';
import { addProjectMember, createProject, createProjectKey, insertApprovalRow, insertConnectionRow, insertPatchRow, insertRunRow } from './ops-factories';
import { createLead, createPartnerPipeline, createProduct } from './partner-factories';
import { createClient, createFamille, createProduit, createPromotion, createTicket } from './pos-factories';
import { allScopes, type SpecOp } from './spec-ops';

export interface Session {
  token: string;
  cookie: string;
  csrf: string;
}

export interface Tenant {
  orgId: string;
  slug: string;
  /** A string in the names of this tenant's rows: another tenant must never see it. */
  marker: string;
  owner: { id: string; email: string; password: string };
  /** Every scope, a limit no test reaches. */
  key: string;
  keyId: string;
  session: Session;
  /** Webhook signing secrets of this tenant's subscriptions (as shown once at creation). */
  webhookSecrets: string[];
  /**
   * Ops (seed 002): two projects, each with a member, a connection and a run; `projectKey` holds
   * every project scope and is bound to `projectId` — `otherProjectId`'s rows are out of its reach.
   */
  ops: { projectId: string; otherProjectId: string; projectKey: string; projectKeyId: string };
}

/** Two projects, each with a member (a console member of the org), a connection, a finished run with an event, and a project webhook with that run's delivery. */
async function seedOps(db: pg.Pool, orgId: string, marker: string, ownerId: string): Promise<Tenant['ops']> {
  const ids: string[] = [];
  for (const [name, role] of [['Billing', 'developer'], ['Analytics', 'viewer']] as const) {
    const project = await createProject(db, orgId, { name: `${marker} ${name}`, description: `${marker} databases`, createdBy: ownerId });
    await addProjectMember(db, orgId, project.id, ownerId, 'owner', ownerId);
    const member = await createUser(db, { orgId, role: 'member', name: `${marker} ${name} ${role}` });
    await addProjectMember(db, orgId, project.id, member.id, role, ownerId);
    // The project's subscription first, so the finished run below publishes run.succeeded to it: a
    // delivery in the project webhook's log (the trigger on runs, sql/functions/ops/run-events.sql).
    await insertWebhook(db, orgId, { projectId: project.id, events: ['run.succeeded', 'run.failed'], description: `${marker} ${name} hook` });
    const connection = await insertConnectionRow(db, orgId, project.id, { name: `${marker} ${name} db`, createdBy: ownerId });
    const run = await insertRunRow(db, orgId, project.id, { subjectId: connection.id, actorType: 'user', actorId: ownerId });
    await db.query(
      `WITH seq AS (UPDATE runs SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING last_event_seq)
       INSERT INTO run_events (run_id, seq, level, message) SELECT $1, last_event_seq, 'info', $2 FROM seq`,
      [run.id, `${marker} ${name} introspected`],
    );
    // A draft mass patch on its own connection, so the patch operations find an id in every project
    // (the seeded connection above stays free of patches, so deleting it is possible).
    const patchConnection = await insertConnectionRow(db, orgId, project.id, { name: `${marker} ${name} patched db`, createdBy: ownerId });
    const patch = await insertPatchRow(db, orgId, project.id, patchConnection.id, { name: `${marker} ${name} patch`, createdBy: ownerId });
    // …executed, with one changed row, so listPatchChanges has rows to keep to their tenant.
    await db.query(
      `WITH e AS (INSERT INTO patch_executions (org_id, patch_id, kind, state, decided_by, content_hash, target_txid, affected_rows, prepared_at, decided_at)
                  VALUES ($1, $2, 'execute', 'committed', 'commit', $3, 1000, 1, now(), now()) RETURNING id),
            c AS (INSERT INTO patch_changes (execution_id, ord, pk, before, after)
                  SELECT id, 1, '{"id": 1}', json_build_object('id', 1, 'note', $4::text), json_build_object('id', 1, 'note', 'x') FROM e)
       UPDATE patches SET status = 'executed' WHERE id = $2`,
      [orgId, patch.id, patch.content_hash, `${marker} ${name} before`],
    );
    // Its approval request, opened by the project's member, so the approval operations find an id in every project.
    await insertApprovalRow(db, orgId, project.id, patch.id, { requestedBy: { type: 'user', id: member.id } });
    ids.push(project.id);
  }
  const { key, id } = await createProjectKey(db, { orgId, projectId: ids[0], scopes: [...projectScopes], rateLimitPerMinute: 1_000_000, name: `${marker} project key` });
  return { projectId: ids[0], otherProjectId: ids[1], projectKey: key, projectKeyId: id };
}

/** A session of the user in the org, inserted the way login does (hash stored, token returned). */
export async function insertSession(db: pg.Pool, userId: string, orgId: string): Promise<Session> {
  const { token, hash } = newSessionToken();
  await db.query(`INSERT INTO sessions (token_hash, user_id, org_id, expires_at) VALUES ($1, $2, $3, now() + interval '12 hours')`, [hash, userId, orgId]);
  return { token, cookie: `${SESSION_COOKIE}=${token}`, csrf: csrfTokenFor(token) };
}

/** A subscription written straight to the database (the URL never resolves: nothing is delivered). */
export async function insertWebhook(db: pg.Pool, orgId: string, opts: { events?: string[]; url?: string; description?: string; projectId?: string } = {}) {
  const id = randomUUID();
  const secret = generateSecret();
  await db.query(
    `INSERT INTO webhook_endpoints (id, org_id, url, events, description, secret_encrypted, project_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, orgId, opts.url ?? `https://hooks.invalid/${id}`, opts.events ?? ['client.created', 'ticket.created'], opts.description ?? '', encryptSecret(DEVELOPMENT_SECRETS_KEY, id, secret), opts.projectId ?? null],
  );
  return { id, secret };
}

/** An organisation with a bit of everything, every name carrying `marker`. */
export async function seedTenant(db: pg.Pool, marker: string): Promise<Tenant> {
  const org = await createOrg(db, { name: `${marker} org`, edition: 'group' });
  const owner = await createUser(db, { orgId: org.id, role: 'owner', name: `${marker} owner` });
  const admin = await createUser(db, { orgId: org.id, role: 'admin', name: `${marker} admin` });
  const { key, id: keyId } = await createApiKey(db, { orgId: org.id, scopes: allScopes(), rateLimitPerMinute: 1_000_000, name: `${marker} key`, createdBy: owner.id });
  await createApiKey(db, { orgId: org.id, scopes: ['read:catalogue'], name: `${marker} narrow key`, createdBy: admin.id });
  // Subscriptions first, so the POS rows below produce events and deliveries (migration 4's triggers).
  const hooks = [await insertWebhook(db, org.id, { description: `${marker} ERP` }), await insertWebhook(db, org.id, { events: ['produit.created'], description: `${marker} shop` })];
  const famille = await createFamille(db, org.id, { nom: `${marker} Bières` });
  await createFamille(db, org.id, { nom: `${marker} Vins`, parentId: famille });
  const produits = [
    await createProduit(db, org.id, { nom: `${marker} Orval`, familleId: famille, codeBarre: `54${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}` }),
    await createProduit(db, org.id, { nom: `${marker} Westmalle`, familleId: famille, actif: false }),
  ];
  const client = await createClient(db, org.id, { nom: `${marker} Peeters`, consent: true, email: `${marker.toLowerCase()}@example.test` });
  await createClient(db, org.id, { nom: `${marker} Janssens` });
  await createTicket(db, org.id, { clientId: client, lignes: [{ produitId: produits[0], libelle: `${marker} Orval` }, { libelle: `${marker} Chips`, tauxTva: 6 }] });
  await createTicket(db, org.id, { facture: { numero: `${marker}-F1`, societe: `${marker} SA`, numeroTva: 'BE0123456789' } });
  await createPromotion(db, org.id, { nom: `${marker} Happy hour`, produitIds: [produits[0]], familleIds: [famille] });
  await createPromotion(db, org.id, { nom: `${marker} 3 pour 2`, type: 'n_for_m', actif: false });
  // Partner data (seed 001): team, catalogue, a booking link, leads, a call, a payment with commissions.
  await createPartnerPipeline(db, org.id, marker);
  await createLead(db, org.id, { firstName: `${marker} Noor`, email: null, status: 'new' });
  await createProduct(db, org.id, { name: `${marker} Lunch club`, billing: 'recurring', active: false });
  await db.query(
    `INSERT INTO audit_events (org_id, actor_type, actor_id, action, target_type, target_id, metadata)
     VALUES ($1, 'user', $2, 'api_key.created', 'api_key', $3, $4), ($1, 'system', NULL, 'webhook.disabled', 'webhook', $5, '{}')`,
    [org.id, owner.id, keyId, { name: `${marker} key` }, hooks[0].id],
  );
  const ops = await seedOps(db, org.id, marker, owner.id);
  const session = await insertSession(db, owner.id, org.id);
  // Identity-provider organisations linked to this one (JWT sign-in).
  for (const ext of ['web', 'mobile']) {
    await db.query('INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, $3)', [org.id, 'https://idp.example.test', `${marker}_${ext}`]);
  }
  return { orgId: org.id, slug: org.slug, marker, owner, key, keyId, session, webhookSecrets: hooks.map((h) => h.secret), ops };
}

/** Puts back what a run of deletions took: two webhook subscriptions with deliveries. */
export async function topUp(db: pg.Pool, t: Tenant): Promise<void> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE org_id = $1 AND project_id IS NULL', [t.orgId]);
  if (rows[0].n >= 2) return;
  for (let i = rows[0].n; i < 2; i++) t.webhookSecrets.push((await insertWebhook(db, t.orgId, { description: `${t.marker} again` })).secret);
  await createClient(db, t.orgId, { nom: `${t.marker} Claes` }); // one more event, so the new ones have deliveries
}

export type Via = 'key' | 'bearer' | 'session';

/** The ways an operation accepts to be called (none for a public one). */
export function credentialKinds(op: SpecOp): Via[] {
  const out: Via[] = [];
  if (op.keyScopes !== null) out.push('key', 'bearer');
  if (op.sessionRoles !== null) out.push('session');
  return out;
}

/** Sets the credential on a request (a session also sends its CSRF token). */
export function authenticate(t: request.Test, via: Via, cred: { key: string; session: Session }): request.Test {
  if (via === 'key') return t.set('X-API-Key', cred.key);
  if (via === 'bearer') return t.set('Authorization', `Bearer ${cred.key}`);
  return t.set('Cookie', cred.session.cookie).set('X-CSRF-Token', cred.session.csrf);
}

/**
 * The harness's own pool ends and then drops its database WITH (FORCE): a connection still closing
 * gets "terminating connection due to administrator command", and a pool without an error
 * listener turns that into an unhandled error that fails the whole file (seen in a CI run).
 */
export function quietPool(db: pg.Pool): void {
  db.on('error', () => {});
}

/** Environment for a harness the battery hammers: no organisation-wide limit in the way. */
export const BATTERY_ENV = { RATE_LIMIT_ORG_PER_MINUTE: '1000000000', SESSION_RATE_LIMIT_PER_MINUTE: '1000000000', WEBHOOK_TIMEOUT_MS: '1000' };
