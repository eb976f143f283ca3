#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { devIssuer, devIssuerDir } from './dev-issuer.ts';
import {
  createTopics,
  devStackOptions,
  prepareServiceDatabases,
  startLocalStack,
  stopLocalStack,
} from './local-stack.ts';

const usage = `usage: node infra/src/cli.ts <command>

  up       start PostgreSQL and Kafka in .data/ (or find them running), create
           topics and databases, apply migrations; they keep running
  down     stop them; the data stays in .data/
  topics   create the Kafka topics at KAFKA_BROKERS
  issuer   create the development token issuer (--dir, default ${devIssuerDir})`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string', default: devIssuerDir } },
  });
  switch (positionals[0]) {
    case 'up': {
      const stack = await startLocalStack(devStackOptions);
      await prepareServiceDatabases(stack.postgresServerUrl);
      await devIssuer();
      console.log(`PostgreSQL  ${stack.postgresServerUrl.replace(/:[^:@/]+@/, ':***@')}`);
      console.log(`Kafka       ${stack.kafkaBrokers.join(',')}`);
      console.log('Stop with: pnpm infra:down');
      return;
    }
    case 'down': {
      await stopLocalStack(devStackOptions);
      console.log('local stack stopped; data kept in .data/');
      return;
    }
    case 'topics': {
      const brokers = process.env.KAFKA_BROKERS?.split(',');
      if (!brokers) throw new Error('KAFKA_BROKERS is not set');
      await createTopics(brokers);
      console.log('topics ready');
      return;
    }
    case 'issuer': {
      const { jwksUrl } = await devIssuer(values.dir);
      console.log(`development issuer ready; AUTH_JWKS_URL=${jwksUrl}`);
      return;
    }
    default:
      console.error(usage);
      process.exit(2);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
