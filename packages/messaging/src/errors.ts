/**
 * An event that retrying cannot fix: its envelope or data is invalid, or the
 * domain refuses it. It goes to the dead-letter topic at once, so it never
 * blocks the partition behind it. Its message is the one error text a dead
 * letter carries (of any other failure only class and codes): name the
 * event, its type and the failing fields, never their values.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}
