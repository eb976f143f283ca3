import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from './events.ts';
import { RoutingDecidedV2 } from './networks/routing-decided.v2.ts';
import { readSamples } from './samples.ts';
import { topics } from './topics.ts';

const Sample = defineEvent({
  domain: 'test',
  name: 'ThingHappened',
  version: 1,
  topic: topics.signalsEvents,
  schema: z.strictObject({ thingId: z.string(), note: z.string().optional() }),
  key: (data) => data.thingId,
});

describe('event definitions: strict to write, tolerant to read', () => {
  it('when a producer adds a field the definition does not know, then the outbox schema refuses it', () => {
    expect(Sample.schema.safeParse({ thingId: 't1', addedLater: 1 }).success).toBe(false);
  });

  it('when a consumer on older contracts reads a field added later, then it drops the field and reads the rest', () => {
    expect(Sample.readSchema.parse({ thingId: 't1', note: 'n', addedLater: 1 })).toEqual({ thingId: 't1', note: 'n' });
  });

  it('when a required field is missing, then the tolerant reader still refuses the event', () => {
    expect(Sample.readSchema.safeParse({ note: 'n' }).success).toBe(false);
  });

  it('when a real event carries a field from a newer build, then its consumers still read it', () => {
    const sample = readSamples().find((candidate) => candidate.type === RoutingDecidedV2.type);
    const data = { ...(sample?.data as object), fieldOfANewerBuild: 'x' };
    expect(RoutingDecidedV2.schema.safeParse(data).success).toBe(false);
    expect(RoutingDecidedV2.readSchema.safeParse(data).success).toBe(true);
  });
});
