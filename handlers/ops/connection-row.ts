// One connection's public representation, shared by the connection operations: never the
// password, only whether one is stored.
import type { components } from '../../generated/openapi-types';
import type { ConnectionRow } from './target/connect-target';

export type ConnectionJson = components['schemas']['Connection'];
export type ConnectionTestJson = components['schemas']['ConnectionTestResult'];

/** Everything but the ciphertext, plus whether there is one. */
export const CONNECTION_COLUMNS = `id, org_id, project_id, name, environment, host, port, database, username,
  password_encrypted IS NOT NULL AS password_set, ssl_mode, read_only, last_test, created_at, updated_at`;

export interface ConnectionListRow extends Omit<ConnectionRow, 'password_encrypted'> {
  name: string;
  environment: ConnectionJson['environment'];
  password_set: boolean;
  last_test: ConnectionTestJson | null;
  created_at: Date;
  updated_at: Date;
}

export function connectionJson(row: ConnectionListRow): ConnectionJson {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    environment: row.environment,
    host: row.host,
    port: row.port,
    database: row.database,
    username: row.username,
    password_set: row.password_set,
    ssl_mode: row.ssl_mode,
    read_only: row.read_only,
    last_test: row.last_test,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
