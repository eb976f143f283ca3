import { describe, expect, it } from 'vitest';
import { csrfMatches, SessionStore } from './session.ts';

const user = { subject: 'u', name: 'U', organisationId: 'team', kind: 'team' as const };

describe('sessions', () => {
  it('when a session is idle longer than allowed or its token expired, then it is gone', () => {
    let now = 0;
    const store = new SessionStore(10, () => now);
    const idle = store.create(user, 'token', 3600);
    now = 11 * 60_000;
    expect(store.get(idle.id)).toBeUndefined();
    const expiring = store.create(user, 'token', 60);
    now += 59_000;
    expect(store.get(expiring.id)).toBeDefined();
    now += 1_000;
    expect(store.get(expiring.id)).toBeUndefined();
  });

  it('when a login callback arrives twice, then only the first completes', () => {
    const store = new SessionStore(10);
    const login = store.startLogin({ codeVerifier: 'v', state: 's', nonce: 'n', returnTo: '/' });
    expect(store.takeLogin(login.id)).toMatchObject({ state: 's' });
    expect(store.takeLogin(login.id)).toBeUndefined();
  });

  it("when a form sends another session's or no CSRF token, then it does not match", () => {
    const store = new SessionStore(10);
    const mine = store.create(user, 'token', 3600);
    const other = store.create(user, 'token', 3600);
    expect(csrfMatches(mine, mine.csrf)).toBe(true);
    expect(csrfMatches(mine, other.csrf)).toBe(false);
    expect(csrfMatches(mine, undefined)).toBe(false);
  });
});
