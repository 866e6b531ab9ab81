import pg from 'pg';

export default async function globalTeardown() {
  const tpl = globalThis.__AURA_TEMPLATE__;
  if (tpl) {
    const admin = new pg.Client({ connectionString: tpl.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${tpl.template} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  const embedded = globalThis.__AURA_EMBEDDED_PG__;
  if (embedded) await embedded.server.stop();
}
