import { z } from 'zod';

/**
 * Kinds of organisation a token can speak for. The kind decides which API a
 * caller may use; scopes narrow it further; per-object checks do the rest.
 */
export const organisationKinds = [
  'landlord',
  'energy',
  'water',
  'health_insurer',
  'school',
  'gp',
  'team',
  'coordinator',
  'admin',
] as const;
export const OrganisationKind = z.enum(organisationKinds);
export type OrganisationKind = z.infer<typeof OrganisationKind>;

/**
 * A partner organisation's id in events and the networks registry: the `org`
 * claim of its tokens. A claim outside this pattern cannot be registered.
 */
export const PartnerId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/);

/** Scopes a partner token carries (OAuth2 client credentials). */
export const scopes = {
  signalsWrite: 'signals:write',
  signalsRead: 'signals:read',
  referralsRead: 'referrals:read',
  referralsWrite: 'referrals:write',
  networksAdmin: 'networks:admin',
  /** Read a municipality's teams and counts (the workspace's transfer list, capacity and neighbourhood view). */
  networksRead: 'networks:read',
} as const;
