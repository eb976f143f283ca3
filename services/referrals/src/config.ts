import { commonConfig, parseConfig } from '@vangnet/platform/config';
import { z } from 'zod';

export const ReferralsConfig = z.object({
  ...commonConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
});
export type ReferralsConfig = z.infer<typeof ReferralsConfig>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): ReferralsConfig =>
  parseConfig(ReferralsConfig, env);
