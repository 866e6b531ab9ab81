// run.succeeded / run.failed / run.cancelled: published by the trigger on runs when a run enters a
// final status, in the writer's transaction, to the endpoints of the run's project only; rendered
// at commit by ops_run_json (the runs API's renderer) and delivered signed by the one machinery.
import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventTypeCatalogue } from '../../src/webhooks/event-schemas';
import { attemptDeps, deliverDue, verifySignature } from '../webhooks/support';
import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, type ProjectWorld } from './project-webhook-support';

const ajv = addFormats(new Ajv2020({ strict: false }));
const schemaOf = (type: string) => ajv.compile(eventTypeCatalogue().find((t) => t.type === type)!.schema);

describe('run events', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));

  async function insertRun(projectId = w.projectId, orgId = w.orgId, status = 'queued') {
    const { rows } = await w.h.db.query(
      `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, actor_type, actor_id)
       VALUES ($1, $2, 'introspect', 'connection', $3, $4, 'system', NULL) RETURNING id`,
      [orgId, projectId, randomUUID(), status],
    );
    return rows[0].id as string;
  }
  const eventsOf = async (runId: string) =>
    (await w.h.db.query(`SELECT e.type, e.data, d.endpoint_id FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id WHERE e.data ->> 'id' = $1 ORDER BY e.created_at`, [runId])).rows;

  it("a run that succeeds → one signed run.succeeded to its project's subscribed endpoints only, rendered like the API", async () => {
    const mine = await createProjectWebhookVia(w, { events: ['run.succeeded', 'run.failed'] });
    const notThisType = await createProjectWebhookVia(w, { events: ['run.cancelled'] });
    const otherProject = await createProjectWebhookVia(w, { events: ['run.succeeded'] }, w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);

    const runId = await insertRun();
    await w.h.db.query(`UPDATE runs SET status = 'running', started_at = now(), progress = '{"phase":"tables","done":3,"total":10,"unit":"tables"}' WHERE id = $1`, [runId]);
    expect(await eventsOf(runId)).toEqual([]); // not a final status: nothing
    await w.h.db.query(`UPDATE runs SET status = 'succeeded', finished_at = now(), result = '{"fingerprint":"abc"}' WHERE id = $1`, [runId]);

    const events = await eventsOf(runId);
    expect(events.map((e) => [e.type, e.endpoint_id])).toEqual([['run.succeeded', mine.webhook.id]]);
    expect([notThisType.webhook.id, otherProject.webhook.id, orgLevel]).not.toContain(events[0].endpoint_id);
    const { rows: api } = await w.h.db.query('SELECT ops_run_json(r) AS json FROM runs r WHERE id = $1', [runId]);
    expect(events[0].data).toEqual(api[0].json);
    expect(events[0].data).toMatchObject({
      id: runId,
      project_id: w.projectId,
      kind: 'introspect',
      subject: { type: 'connection' },
      status: 'succeeded',
      progress: { phase: 'tables', done: 3, total: 10, unit: 'tables' },
      result: { fingerprint: 'abc' },
      error: null,
      created_by: { type: 'system', id: null },
      cancel_requested_at: null,
    });

    const deps = attemptDeps(w.h.db, () => new Date());
    try {
      const before = w.receiver.received.length;
      await deliverDue(deps);
      expect(w.receiver.received.length).toBe(before + 1);
      const payload = verifySignature(mine.secret, w.receiver.received[before]) as { type: string; data: unknown };
      expect(payload).toMatchObject({ type: 'run.succeeded', data: api[0].json });
      const validate = schemaOf('run.succeeded');
      expect(validate(payload) ? [] : validate.errors).toEqual([]);
    } finally {
      deps.close();
    }
  });

  it('run.failed carries the error code; run.cancelled goes to its subscribers; each fires once, on the transition', async () => {
    const failedHook = await createProjectWebhookVia(w, { events: ['run.failed'] });
    const cancelledHook = await createProjectWebhookVia(w, { events: ['run.cancelled'] });
    const failing = await insertRun(w.projectId, w.orgId, 'running');
    await w.h.db.query(`UPDATE runs SET status = 'failed', error_code = 'WORKER_LOST', error_message = 'The worker stopped heartbeating', finished_at = now() WHERE id = $1`, [failing]);
    // A later touch of a finished run is not news (and the event keeps the run as it was at its commit).
    await w.h.db.query(`UPDATE runs SET error_message = 'edited' WHERE id = $1`, [failing]);
    const failedEvents = (await eventsOf(failing)).filter((e) => e.endpoint_id === failedHook.webhook.id);
    expect(failedEvents).toHaveLength(1);
    expect(failedEvents[0]).toMatchObject({ type: 'run.failed', data: { status: 'failed', error: { code: 'WORKER_LOST', message: 'The worker stopped heartbeating' } } });
    const validate = schemaOf('run.failed');
    expect(validate({ id: 'msg_01JD2Z6Q7N4X8V3K5M9P0R2T4W', type: 'run.failed', timestamp: '2026-05-01T09:30:00Z', data: failedEvents[0].data }) ? [] : validate.errors).toEqual([]);

    const cancelling = await insertRun(w.projectId, w.orgId, 'running');
    await w.h.db.query(`UPDATE runs SET status = 'cancelling', cancel_requested_at = now() WHERE id = $1`, [cancelling]);
    await w.h.db.query(`UPDATE runs SET status = 'cancelled', finished_at = now() WHERE id = $1`, [cancelling]);
    expect((await eventsOf(cancelling)).filter((e) => e.endpoint_id === cancelledHook.webhook.id).map((e) => e.type)).toEqual(['run.cancelled']);
  });

  it('a rolled-back transition publishes nothing; a switched-off endpoint gets nothing; another organisation\'s run reaches only its endpoints', async () => {
    const off = await createProjectWebhookVia(w, { events: ['run.succeeded'], active: false });
    const runId = await insertRun();
    const client = await w.h.db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE runs SET status = 'succeeded' WHERE id = $1`, [runId]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await eventsOf(runId)).toEqual([]);
    await w.h.db.query(`UPDATE runs SET status = 'succeeded' WHERE id = $1`, [runId]);
    expect((await eventsOf(runId)).map((e) => e.endpoint_id)).not.toContain(off.webhook.id);

    const theirs = (await w.h.api.post(`/api/v1/projects/${w.other.projectId}/webhooks`).set('X-API-Key', w.other.key).send({ url: w.receiver.url, events: ['run.succeeded'] }).expect(201)).body.webhook;
    const theirRun = await insertRun(w.other.projectId, w.other.orgId, 'running');
    await w.h.db.query(`UPDATE runs SET status = 'succeeded' WHERE id = $1`, [theirRun]);
    expect((await eventsOf(theirRun)).map((e) => e.endpoint_id)).toEqual([theirs.id]);
  });
});
