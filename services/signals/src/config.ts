import { commonConfig, parseConfig } from '@vangnet/platform/config';
import { z } from 'zod';

export const SignalsConfig = z.object({
  ...commonConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
});
export type SignalsConfig = z.infer<typeof SignalsConfig>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): SignalsConfig =>
  parseConfig(SignalsConfig, env);
