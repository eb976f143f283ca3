#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { OrganisationKind } from '@vangnet/contracts/organisations';
import { devIssuer, devIssuerDir } from './dev-issuer.ts';

const usage = `usage: pnpm -s token --org <organisation id> --kind <kind> --scopes <scope,scope> [options]

Prints a bearer token signed by the local development issuer.
  --org           organisation id (a partner id, or a team id for kind team)
  --kind          ${OrganisationKind.options.join(' | ')}
  --scopes        comma separated, e.g. signals:write,signals:read
  --municipality  CBS code such as GM9901 (teams and coordinators)
  --ttl           lifetime in seconds (default 3600)
  --dir           issuer folder (default ${devIssuerDir})`;

const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    kind: { type: 'string' },
    scopes: { type: 'string', default: '' },
    municipality: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    dir: { type: 'string', default: devIssuerDir },
    help: { type: 'boolean', default: false },
  },
});

const kind = OrganisationKind.safeParse(values.kind);
if (values.help || !values.org || !kind.success) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const { issuer } = await devIssuer(values.dir);
console.log(
  await issuer.sign({
    organisationId: values.org,
    kind: kind.data,
    scopes: values.scopes.split(',').filter(Boolean),
    ttl: Number(values.ttl),
    ...(values.municipality ? { municipalityCode: values.municipality } : {}),
  }),
);
