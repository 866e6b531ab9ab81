// TLS to a target connected by address: the certificate is checked against the host name the
// connection names (SNI and verify-full), never against the address we resolved it to. A fake
// server on loopback answers PostgreSQL's SSLRequest and completes a TLS handshake with a
// self-signed certificate made for the test, recording the server name each client sent.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket, createSecureContext } from 'node:tls';
import { connectTarget, type ConnectionRow } from '../../handlers/ops/target/connect-target';
import { loadConfig } from '../../src/config';
import { fakeLookup } from './connections-support';

describe('connectTarget over TLS', () => {
  let server: Server;
  let port: number;
  let dir: string;
  const sockets = new Set<Socket>();
  const serverNames: Array<string | false> = [];
  let handshakes = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aura-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=pg.example.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const context = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => {
        // The 8-byte SSLRequest: say yes, then speak TLS on the same socket.
        socket.write('S');
        const secure = new TLSSocket(socket, { isServer: true, ...context, SNICallback: (name, cb) => cb(null, createSecureContext(context)) });
        secure.on('error', () => undefined);
        secure.on('secure', () => {
          handshakes++;
          serverNames.push((secure as unknown as { servername: string | false }).servername);
          secure.destroy(); // then hang up: no PostgreSQL behind it
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () => ({ ...loadConfig({ NODE_ENV: 'test', DB_TARGETS_ALLOW_LOOPBACK: 'true' }), dbTargetPorts: [5432, port] });
  const row = (over: Partial<ConnectionRow>): ConnectionRow => ({
    id: randomUUID(), org_id: randomUUID(), project_id: randomUUID(), host: 'pg.example.test', port, database: 'd', username: 'u',
    password_encrypted: null, ssl_mode: 'require', read_only: false, ...over,
  });
  const codeOf = async (conn: ConnectionRow) => {
    const resolver = fakeLookup({ 'pg.example.test': ['127.0.0.1'] });
    try {
      await (await connectTarget(conn, { applicationName: 'x', config: config(), lookup: resolver.lookup, connectTimeoutMs: 5_000 })).end();
      return 'connected';
    } catch (err) {
      return (err as { code: string }).code;
    }
  };

  it('require: encrypts without checking the certificate, and sends the host name (not the address) as SNI', async () => {
    const before = handshakes;
    expect(await codeOf(row({ ssl_mode: 'require' }))).toBe('CONNECTION_FAILED'); // the handshake held; the server then hung up
    expect(handshakes).toBe(before + 1);
    expect(serverNames[serverNames.length - 1]).toBe('pg.example.test');
  });

  it('an IP literal host sends no SNI (RFC 6066)', async () => {
    const before = handshakes;
    expect(await codeOf(row({ ssl_mode: 'require', host: '127.0.0.1' }))).toBe('CONNECTION_FAILED');
    expect(handshakes).toBe(before + 1);
    expect(serverNames[serverNames.length - 1]).toBe(false);
  });

  it.each(['verify-ca', 'verify-full'] as const)('%s: an untrusted certificate → TLS_VERIFY_FAILED', async (ssl_mode) => {
    expect(await codeOf(row({ ssl_mode }))).toBe('TLS_VERIFY_FAILED');
  });
});
