// A dedicated connection LISTENing on one channel, for the queue workers (webhook deliveries,
// runs): a commit's NOTIFY wakes them at once; while the connection is down they poll.
import type pg from 'pg';
import type { Logger } from '../logger';

/** A dedicated connection LISTENing for commits that published events; reconnects on failure. */
export function listen(pool: pg.Pool, log: Logger, channel: string, onNotify: (msg: pg.Notification) => void): { ready: Promise<void>; close(): Promise<void> } {
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  /** Discards the live LISTEN connection, if there is one. */
  let dropLive: (() => void) | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  async function connect() {
    let c: pg.PoolClient | undefined;
    let released = false;
    // Every way out (error event, failed LISTEN, close) comes through here, once: pg-pool throws on a
    // second release, and an 'error' can arrive after close() or while LISTEN is still in flight.
    const drop = (err?: Error) => {
      if (!c || released) return;
      released = true;
      c.off('notification', onNotify).off('error', onError);
      c.on('error', () => {}); // a late socket error on the discarded client must not crash the process
      // Never back to the pool: a LISTENing session is not a clean connection (and ending it ends the LISTEN).
      c.release(err ?? true);
      if (dropLive === drop) dropLive = undefined;
    };
    const onError = (err: Error) => {
      log.warn({ err }, `${channel} listener connection lost; polling until it is back`);
      drop(err);
      if (!closed) retry = setTimeout(connect, 1000);
    };
    try {
      c = await pool.connect();
      if (closed) return c.release();
      c.on('notification', onNotify);
      c.on('error', onError);
      await c.query(`LISTEN ${channel}`);
      if (released) return; // the connection died during LISTEN; onError has scheduled a retry
      if (closed) return drop();
      dropLive = drop;
    } catch (err) {
      if (released) return; // onError already released it and scheduled the retry
      log.warn({ err }, `${channel} listener could not connect; polling until it can`);
      drop(err as Error);
      if (!closed) retry = setTimeout(connect, 5000);
    } finally {
      markReady();
    }
  }
  void connect();

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      dropLive?.();
    },
  };
}
