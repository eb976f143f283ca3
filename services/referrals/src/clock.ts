/**
 * Where "now" comes from. Everything that depends on time (deadlines,
 * escalation, the timestamps of transitions) asks the clock the app was built
 * with, so tests move time instead of waiting for it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
