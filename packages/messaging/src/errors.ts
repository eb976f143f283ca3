/**
 * An event that retrying cannot fix: its envelope or data is invalid, or the
 * domain refuses it. It goes to the dead-letter topic at once, so it never
 * blocks the partition behind it.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}
