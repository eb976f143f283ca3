import type { Logger } from 'pino';

/**
 * Runs `close` once on SIGINT or SIGTERM, then exits. A second signal while
 * closing exits at once: an operator pressing Ctrl-C twice means it.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>, timeoutMs = 15_000) {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
