import { commonConfig, parseConfig } from '@vangnet/platform/config';
import { termSetting } from '@vangnet/platform/term';
import { z } from 'zod';

export const ReferralsConfig = z.object({
  ...commonConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9463),
  /** How often the deadline timer looks for referrals to expire or escalate (the timers themselves are rows). */
  DEADLINE_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Webhooks to this machine over plain http, and to local or private addresses (development and tests only). */
  WEBHOOK_ALLOW_LOCAL_HTTP: z.stringbool().default(false),
  /** Longest one webhook attempt may take, response included. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Delay before the first webhook retry, doubling up to WEBHOOK_RETRY_MAX_MS; tests shorten both. */
  WEBHOOK_RETRY_INITIAL_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(6 * 3_600_000)
    .default(3_600_000),
  /**
   * Retention of GP referral data (no statutory figure: configuration), in months. An accepted request, after
   * its end. On staging `30 minutes`, `2 hours` or `3 days` instead (README: Short terms for staging).
   */
  RETENTION_ENDED_MONTHS: termSetting(18),
  /** A GP request no team ever accepted, after its last activity. */
  RETENTION_NEVER_TAKEN_MONTHS: termSetting(6),
  /** How often the retention job runs; 0 switches the schedule off (run it on demand). */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
});
export type ReferralsConfig = z.infer<typeof ReferralsConfig>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): ReferralsConfig =>
  parseConfig(ReferralsConfig, env);
