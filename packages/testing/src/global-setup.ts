import type { TestProject } from 'vitest/node';
import { startTestInfrastructure, type TestInfrastructure } from './infrastructure.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    infrastructure: TestInfrastructure;
  }
}

/**
 * vitest global setup: one PostgreSQL server and one Kafka broker for the
 * whole run, handed to every test file through `inject('infrastructure')`.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const infrastructure = await startTestInfrastructure();
  console.log(
    `test infrastructure: ${infrastructure.source}, kafka ${infrastructure.kafkaBrokers.join(',')}, ` +
      `ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const { stop, ...provided } = infrastructure;
  project.provide('infrastructure', provided);
  return stop;
}
