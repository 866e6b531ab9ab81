// The POS module (seed 000) beyond its handlers: the edition rule for API access, and the demo data.
import type { ApiModule } from '../../src/module';
import { posApiAccess } from './access-policy';
import { seedPosDemo } from './demo/data';

export const moduleDefinition: ApiModule = {
  name: 'pos',
  accessPolicies: [posApiAccess],
  demo: { seed: seedPosDemo, scopes: ['read:catalogue', 'read:clients', 'read:tickets', 'read:promotions'] },
};
