// The demo connection's password, stored encrypted like every connection password, by the
// connections' own helper, so its ciphertext is exactly what the target connector decrypts.
// A demo seeder gets no config: the process's own, from its environment (as connect-target does).
import { loadConfig } from '../../../src/config';
import { encryptPassword } from '../target/connection-secrets';

export const encryptDemoPassword = (connectionId: string, password: string): Buffer => encryptPassword(loadConfig(), connectionId, password);
