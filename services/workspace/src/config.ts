import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * The workspace's settings, validated at boot. The OpenID Connect provider is
 * any standard one (issuer URL, client id and secret); its access token must
 * be one the services accept (audience, org, org_kind, scope claims), because
 * the workspace passes it on unchanged.
 */
const WorkspaceConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where browsers reach the workspace; the OIDC redirect URI is `${PUBLIC_URL}/auth/callback`. */
  PUBLIC_URL: z.url(),
  OIDC_ISSUER: z.url(),
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_CLIENT_SECRET: z.string().min(1),
  OIDC_SCOPE: z.string().default('openid profile'),
  /** Only for the local development issuer, which speaks plain http on localhost. */
  OIDC_ALLOW_HTTP: flag.default(false),
  /** Cookies carry `Secure` unless switched off; browsers accept Secure cookies from http://localhost. */
  COOKIE_SECURE: flag.default(true),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  SIGNALS_URL: z.url(),
  NETWORKS_URL: z.url(),
  REFERRALS_URL: z.url(),
});
export type WorkspaceConfig = z.infer<typeof WorkspaceConfig>;

export function loadConfig(env: Record<string, string | undefined> = process.env): WorkspaceConfig {
  const parsed = WorkspaceConfig.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid workspace configuration: ${fields}`);
  }
  return parsed.data;
}
