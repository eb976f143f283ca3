import { defineConfig } from 'vitest/config';

/**
 * Two projects, by the level in the file name:
 *  - unit: `*.test.ts` next to the code, no I/O, milliseconds each;
 *  - integration: `*.int.test.ts` (one service against real PostgreSQL and
 *    Kafka) and `tests/e2e/**` (all services), sharing one infrastructure
 *    started once by the global setup.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{packages,services,infra}/**/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{packages,services,infra,tests}/**/*.int.test.ts', 'tests/e2e/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          teardownTimeout: 60_000,
          // One file at a time: the files share the broker's topics, and a
          // service one file starts would answer events another file publishes
          // (a router in one file refusing a GP request another file expects to
          // route by hand). Each file's consumer groups start at the topics'
          // end (KAFKA_NEW_GROUPS_START), so a file sees only its own events.
          maxWorkers: 1,
        },
      },
    ],
  },
});
