import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('retention terms in the configuration', () => {
  it('when a term is not one, then the service refuses to start, naming the variable', () => {
    expect(() => loadConfig({ RETENTION_NEVER_TAKEN_MONTHS: '0 minutes' })).toThrow(/RETENTION_NEVER_TAKEN_MONTHS/);
  });
});
