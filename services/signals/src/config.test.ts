import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('retention terms in the configuration', () => {
  it('when a term is not one, then the service refuses to start, naming the variable and what it takes', () => {
    expect(() => loadConfig({ RETENTION_OPEN_CASE_MONTHS: '6 weeks' })).toThrow(
      /RETENTION_OPEN_CASE_MONTHS: '6 weeks' is not a term: a number of months, or '<n> minutes\|hours\|days\|months'/,
    );
  });
});
