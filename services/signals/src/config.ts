import { commonConfig, parseConfig } from '@vangnet/platform/config';
import { termSetting } from '@vangnet/platform/term';
import { z } from 'zod';

export const SignalsConfig = z.object({
  ...commonConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9461),
  /**
   * The municipality's threshold in euros: arrears under it are closed as
   * `unjustified` and never reach a team. 75 is the median in practice; each
   * municipality sets its own (one deployment serves one municipality).
   */
  SIGNAL_THRESHOLD_EUROS: z.coerce.number().min(0).max(100_000).default(75),
  /** Signals for one household within this many months of its case's last signal join that case. */
  CASE_MATCHING_PERIOD_MONTHS: z.coerce.number().int().min(1).max(36).default(3),
  /** Largest CSV file delivery: a 100,000-row export is about 25 MB. */
  SIGNAL_FILE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(200 * 1024 ** 2),
  SIGNAL_FILE_MAX_ROWS: z.coerce.number().int().min(1).max(5_000_000).default(500_000),
  /**
   * Uploads staged at once per instance, each holding one database connection
   * of a pool of its own for as long as the upload streams; more wait (their
   * bodies unread) rather than take the connections requests need.
   */
  SIGNAL_FILE_CONCURRENT_UPLOADS: z.coerce.number().int().min(1).max(50).default(2),
  /** Rows the file job takes in per transaction. */
  SIGNAL_FILE_CHUNK_ROWS: z.coerce.number().int().min(1).max(5_000).default(1_000),
  /**
   * Tries per chunk before the file job takes it apart row by row, and per
   * row before it parks that row as `ROW_NOT_PROCESSED` and moves on.
   */
  SIGNAL_FILE_CHUNK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /**
   * Retention terms in months (no statutory figure; defaults from a municipal example, see DOMAIN.md).
   * On staging a term may be `30 minutes`, `2 hours` or `3 days` instead (README: Short terms for staging).
   */
  RETENTION_UNMATCHED_MONTHS: termSetting(6),
  RETENTION_OPEN_CASE_MONTHS: termSetting(12),
  RETENTION_CLOSED_CASE_MONTHS: termSetting(18),
  /** How often the retention job runs; 0 switches the schedule off (run it on demand). */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** How often an idle file job looks for work another instance staged or a crashed one left. */
  SIGNAL_FILE_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
});
export type SignalsConfig = z.infer<typeof SignalsConfig>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): SignalsConfig =>
  parseConfig(SignalsConfig, env);
