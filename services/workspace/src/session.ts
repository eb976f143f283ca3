import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { OrganisationKind } from '@vangnet/contracts/organisations';

export interface SessionUser {
  subject: string;
  name: string;
  organisationId: string;
  kind: OrganisationKind;
  municipalityCode?: string;
}

export interface Session {
  id: string;
  /** Synchronizer token: every form carries it, every POST must send it back. */
  csrf: string;
  user: SessionUser;
  /** The user's access token, sent to the services; it never reaches the browser. */
  accessToken: string;
  accessTokenExpiresAt: number;
  lastSeen: number;
  flash?: { kind: 'ok' | 'error'; text: string };
}

/** The half of a login between the redirect to the provider and its callback. */
export interface LoginAttempt {
  id: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  expiresAt: number;
}

const token = () => randomBytes(32).toString('base64url');

/**
 * Sessions in this process's memory: a restart logs everyone out and two
 * instances do not share them. Enough for one instance; more need a shared
 * store (Redis, Postgres) behind the same interface.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #logins = new Map<string, LoginAttempt>();
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(idleMinutes: number, now: () => number = Date.now) {
    this.#idleMs = idleMinutes * 60_000;
    this.#now = now;
  }

  startLogin(attempt: Omit<LoginAttempt, 'id' | 'expiresAt'>): LoginAttempt {
    this.#sweep();
    const login = { ...attempt, id: token(), expiresAt: this.#now() + 10 * 60_000 };
    this.#logins.set(login.id, login);
    return login;
  }

  /** Takes the attempt out: a callback can complete a login once. */
  takeLogin(id: string | undefined): LoginAttempt | undefined {
    if (!id) return undefined;
    const login = this.#logins.get(id);
    this.#logins.delete(id);
    return login && login.expiresAt > this.#now() ? login : undefined;
  }

  /** A fresh id on every login, so an id planted before it (fixation) is worth nothing after. */
  create(user: SessionUser, accessToken: string, expiresInSeconds: number): Session {
    this.#sweep();
    const now = this.#now();
    const session: Session = {
      id: token(),
      csrf: token(),
      user,
      accessToken,
      accessTokenExpiresAt: now + expiresInSeconds * 1000,
      lastSeen: now,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const now = this.#now();
    if (now - session.lastSeen > this.#idleMs || now >= session.accessTokenExpiresAt) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  destroy(id: string | undefined) {
    if (id) this.#sessions.delete(id);
  }

  #sweep() {
    const now = this.#now();
    for (const [id, session] of this.#sessions) {
      if (now - session.lastSeen > this.#idleMs || now >= session.accessTokenExpiresAt) this.#sessions.delete(id);
    }
    for (const [id, login] of this.#logins) if (login.expiresAt <= now) this.#logins.delete(id);
  }
}

export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
