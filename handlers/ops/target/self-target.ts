// The API's own database may never be a target: a connection to it would hand a project the
// control plane (every organisation's rows, the encrypted secrets). Refused at creation when
// visible from here (the host is our server's address, the port and the database name ours), and
// at every connection by identity: pg_control_system()'s system identifier and the database name.
import { isIP } from 'node:net';
import type pg from 'pg';
import { refusalFor } from '../../../src/webhooks/address-policy';

export type Queryable = Pick<pg.Pool | pg.PoolClient | pg.Client, 'query'>;

export interface OwnDatabase {
  systemIdentifier: string;
  database: string;
  /** Null when we are connected through a Unix socket. */
  serverAddress: string | null;
  serverPort: number | null;
}

const cache = new WeakMap<object, Promise<OwnDatabase>>();

export function ownDatabaseIdentity(db: Queryable): Promise<OwnDatabase> {
  let found = cache.get(db);
  if (!found) {
    found = db
      .query(
        `SELECT system_identifier::text AS system_identifier, current_database() AS database,
                host(inet_server_addr()) AS address, inet_server_port() AS port
           FROM pg_control_system()`,
      )
      .then(({ rows: [r] }) => ({ systemIdentifier: r.system_identifier, database: r.database, serverAddress: r.address, serverPort: r.port }));
    found.catch(() => cache.delete(db));
    cache.set(db, found);
  }
  return found;
}

const isLoopback = (address: string) => isIP(address) !== 0 && refusalFor(address) === 'loopback';

/** Whether host addresses, port and database name are visibly ours (creation-time check). */
export async function looksLikeOwnDatabase(db: Queryable, addresses: string[], port: number, database: string): Promise<boolean> {
  const ours = await ownDatabaseIdentity(db);
  if (database !== ours.database) return false;
  if (ours.serverPort !== null && port !== ours.serverPort) return false;
  // Over a Unix socket our server is on this machine: its loopback addresses reach it.
  const oursAddress = ours.serverAddress;
  return addresses.some((a) => a === oursAddress || (isLoopback(a) && (oursAddress === null || isLoopback(oursAddress))));
}
