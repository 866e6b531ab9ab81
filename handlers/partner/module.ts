// The partner module (seed 001) beyond its handlers: the demo organisation's sales data, and the
// read scopes the printed demo key gets for it (seed 001's first request, GET /api/v1/leads).
import type { ApiModule } from '../../src/module';
import { seedPartnerDemo } from './demo/data';

export const moduleDefinition: ApiModule = {
  name: 'partner',
  demo: { seed: seedPartnerDemo, scopes: ['read:team', 'read:leads', 'read:calls', 'read:booking_links', 'read:products', 'read:payments'] },
};
