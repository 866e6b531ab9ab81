import type { Logger } from './logger';

/**
 * SIGTERM/SIGINT → stop() once (stop accepting, finish what is in flight, close the pools), then
 * exit 0; exit 1 if stop() fails or takes longer than timeoutMs. Used by the API and the worker.
 */
export function exitOnSignals(log: Logger, timeoutMs: number, stop: () => Promise<void>, what: string): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal }, `shutting down: ${what}`);
    setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
