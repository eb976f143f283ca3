import { scopes } from '@vangnet/contracts/organisations';
import { authenticate, type Principal, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import type { FastifyRequest } from 'fastify';

/** Coordinators and admins with `networks:admin`; per-object checks below narrow coordinators. */
export const adminAccess = authenticate({ kinds: ['coordinator', 'admin'], scope: scopes.networksAdmin });
/** What is national (the postcode map, municipalities themselves) only an admin changes. */
export const nationalAccess = authenticate({ kinds: ['admin'], scope: scopes.networksAdmin });

/** A coordinator works for the municipality in its token and nothing else; an admin for all. */
export function assertMunicipality(principal: Principal, municipalityCode: string): void {
  if (principal.kind === 'admin') return;
  if (principal.municipalityCode !== municipalityCode) {
    throw new DomainError('NOT_YOUR_MUNICIPALITY', `this token does not work for ${municipalityCode}`);
  }
}

/** What belongs to no municipality (the unassigned queue) only an admin works. */
export function assertNational(principal: Principal): void {
  if (principal.kind !== 'admin') {
    throw new DomainError('NOT_YOUR_MUNICIPALITY', 'only an admin works items of no municipality');
  }
}

export const callerOf = (request: FastifyRequest) => principalOf(request);
