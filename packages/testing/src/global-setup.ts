import type { TestProject } from 'vitest/node';
import { startTestInfrastructure } from './infrastructure.ts';
import './inject.ts';

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
