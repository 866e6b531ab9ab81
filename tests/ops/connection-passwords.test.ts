// A target's password in clear appears nowhere the API keeps anything: not in any row of its
// database (every table dumped), not in a log line (every line kept, at trace level), not in a
// response — through creation, update, a successful test and a failed one.
import { allStrings, dumpDatabase } from '../helpers/db-dump';
import type { TestDatabase } from '../helpers/db';
import { createTarget, startConnWorld, type ConnWorld } from './connections-support';

describe('connection passwords at rest and in logs', () => {
  let w: ConnWorld;
  let target: TestDatabase;
  beforeAll(async () => {
    w = await startConnWorld({ captureLogs: true });
    target = await createTarget();
  });
  afterAll(async () => {
    await w.h.close();
    await target.drop();
  });

  it('no plaintext password in a dump of the database, in the logs or in any response', async () => {
    const [first, second] = ['Tgt-pw-0a1b2c3d4e5f', 'Tgt-pw-second-9z8y7x'];
    const bodies: unknown[] = [];
    const created = await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key)
      .send({ project_id: w.projectId, name: 'secret', environment: 'production', host: '127.0.0.1', database: target.name, username: 'postgres', password: first, ssl_mode: 'disable' }).expect(201);
    bodies.push(created.body);
    bodies.push((await w.h.api.post(`/api/v1/connections/${created.body.id}/test`).set('X-API-Key', w.key).expect(200)).body);
    bodies.push((await w.h.api.patch(`/api/v1/connections/${created.body.id}`).set('X-API-Key', w.key).send({ password: second, database: 'missing_db' }).expect(200)).body);
    const failed = await w.h.api.post(`/api/v1/connections/${created.body.id}/test`).set('X-API-Key', w.key).expect(200);
    expect(failed.body.error_code).toBe('DATABASE_NOT_FOUND');
    bodies.push(failed.body);
    // A request carrying a password that is refused (400) must not log it either.
    bodies.push((await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send({ project_id: w.projectId, name: 'refused', environment: 'staging', host: '169.254.169.254', database: 'd', username: 'u', password: first }).expect(400)).body);
    bodies.push((await w.h.api.get('/api/v1/connections').set('X-API-Key', w.key).expect(200)).body);

    const dump = await dumpDatabase(w.h.db);
    expect(Object.keys(dump)).toContain('connections');
    const everything = [...Object.values(dump).flat(), ...w.h.logs, ...bodies.map((b) => JSON.stringify(b))];
    expect(w.h.logs.length).toBeGreaterThan(5); // the capture works
    for (const pw of [first, second]) {
      // As text, and as the hex or base64 a bytea or a log serialiser might show.
      for (const form of [pw, Buffer.from(pw).toString('hex'), Buffer.from(pw).toString('base64')]) {
        expect(everything.filter((line) => line.includes(form))).toEqual([]);
      }
    }
    expect(allStrings(bodies).some((s) => s.includes('Tgt-pw'))).toBe(false);
  });
});
