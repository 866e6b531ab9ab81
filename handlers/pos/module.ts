// The POS module (seed 000) beyond its handlers: the edition rule for API access.
import type { ApiModule } from '../../src/module';
import { posApiAccess } from './access-policy';

export const moduleDefinition: ApiModule = {
  name: 'pos',
  accessPolicies: [posApiAccess],
};
