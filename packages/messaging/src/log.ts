/**
 * The logging this package needs: satisfied by a pino logger and by
 * fastify's `app.log`, so callers pass whichever they hold.
 */
export interface Log {
  child(bindings: Record<string, unknown>): Log;
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}
