import type { WorkspaceConfig } from './config.ts';

/** A service's answer other than 2xx, with its problem+json `code` when it sent one. */
export class ServiceError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  constructor(status: number, problem: { code?: string; detail?: string; title?: string } | undefined) {
    super(`service answered ${status}${problem?.code ? ` ${problem.code}` : ''}`);
    this.status = status;
    this.code = problem?.code;
    this.detail = problem?.detail ?? problem?.title;
  }
}

export type ServiceName = 'signals' | 'networks' | 'referrals';

/**
 * Calls a service as the logged-in user: the user's own access token, so
 * every per-object check the service makes (this team, this municipality,
 * an access-logged subject read) applies to the person, not to the
 * workspace.
 */
export class Services {
  readonly #bases: Record<ServiceName, string>;
  constructor(config: WorkspaceConfig) {
    this.#bases = { signals: config.SIGNALS_URL, networks: config.NETWORKS_URL, referrals: config.REFERRALS_URL };
  }

  async call<T>(
    service: ServiceName,
    path: string,
    token: string,
    options: { method?: 'GET' | 'POST'; body?: unknown; traceparent?: string } = {},
  ): Promise<T> {
    const response = await fetch(new URL(path, this.#bases[service]), {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) throw new ServiceError(response.status, body as { code?: string; detail?: string });
    return body as T;
  }

  /** The service a referral's `links.subject` points into: signals for a household case, else referrals. */
  static subjectService(path: string): ServiceName {
    return path.startsWith('/v1/cases/') ? 'signals' : 'referrals';
  }
}
