import { describe, expect, it } from 'vitest';
import { openSignalStatus, withCoordinatorAfter } from './decide.ts';

describe("the partner's status while the router has a case", () => {
  it('when routing fails, then the open signals show with_coordinator', () => {
    expect(openSignalStatus(withCoordinatorAfter('failed'))).toBe('with_coordinator');
  });

  it('when a team is chosen (also by the coordinator), then they show in_progress again', () => {
    expect(openSignalStatus(withCoordinatorAfter('decided'))).toBe('in_progress');
  });
});
