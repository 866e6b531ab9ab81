// A loopback TCP proxy in front of PostgreSQL, to take "the database" away from a server process and
// give it back without touching the shared PostgreSQL: down() drops every connection and refuses
// new ones (what a client sees while a database restarts), up() listens again on the same port.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** The connection string through the proxy, for a database on the target server. */
  urlFor(database: string): string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  readonly connections: number;
}

/** `password`: the embedded PostgreSQL (a run without DATABASE_URL) authenticates by password. */
export async function startTcpProxy(target: { host: string; port: number; user: string; password?: string }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const srv = createServer((client) => {
        const upstream = connect(target.port, target.host);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        port = (srv.address() as { port: number }).port;
        server = srv;
        resolve();
      });
    });
  await listen();

  const proxy: TcpProxy = {
    get port() {
      return port;
    },
    get connections() {
      return sockets.size / 2;
    },
    urlFor: (database) => {
      const url = new URL(`postgres://127.0.0.1:${port}/${database}`);
      url.username = target.user;
      if (target.password) url.password = target.password;
      return url.toString();
    },
    async down() {
      const srv = server;
      server = undefined;
      const closed = srv ? new Promise<void>((r) => srv.close(() => r())) : Promise.resolve();
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    },
    up: listen,
    close: () => proxy.down(),
  };
  return proxy;
}
