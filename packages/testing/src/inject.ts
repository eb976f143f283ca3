import { inject } from 'vitest';
import type { TestInfrastructure } from './infrastructure.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    infrastructure: TestInfrastructure;
  }
}

/** The PostgreSQL server and Kafka broker that the global setup started for this run. */
export const testInfrastructure = (): TestInfrastructure => inject('infrastructure');
