import { commonConfig, parseConfig } from '@vangnet/platform/config';
import { z } from 'zod';

export const NetworksConfig = z.object({
  ...commonConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9462),
});
export type NetworksConfig = z.infer<typeof NetworksConfig>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): NetworksConfig =>
  parseConfig(NetworksConfig, env);
