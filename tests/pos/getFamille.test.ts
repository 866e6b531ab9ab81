import { randomUUID } from 'node:crypto';
import { createFamille } from '../helpers/pos-factories';
import { expectInvalid, posWorld, type PosWorld } from './world';

describe('GET /api/v1/familles/{id}', () => {
  let w: PosWorld;
  let bieres: string;
  let trappistes: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:catalogue');
    bieres = await createFamille(w.h.db, w.org, { nom: 'Bières', position: 2, createdAt: '2026-01-12T09:00:00Z' });
    trappistes = await createFamille(w.h.db, w.org, {
      nom: 'Trappistes', parentId: bieres, description: 'En bouteille', position: 1, actif: false,
      createdAt: '2026-01-12T09:00:00Z', updatedAt: '2026-03-04T08:00:00Z',
    });
    foreign = await createFamille(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers a sub-family with its parent and every field', async () => {
    const res = await w.get(`/api/v1/familles/${trappistes}`).expect(200);
    expect(res.body).toEqual({
      id: trappistes,
      parent_id: bieres,
      nom: 'Trappistes',
      description: 'En bouteille',
      position: 1,
      actif: false,
      created_at: '2026-01-12T09:00:00Z',
      updated_at: '2026-03-04T08:00:00Z',
    });
    const top = await w.get(`/api/v1/familles/${bieres}`).expect(200);
    expect(top.body).toMatchObject({ id: bieres, parent_id: null, description: '', actif: true });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await w.get(`/api/v1/familles/${randomUUID()}`).expect(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Famille not found' });
  });

  it('answers 404 for another organisation’s family', async () => {
    const res = await w.get(`/api/v1/familles/${foreign}`).expect(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Famille not found' });
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/familles/bieres'), ['path', 'id']);
  });
});
