import { CloudEventHeaders, fromKafkaHeaders } from '@vangnet/contracts/envelope';
import { eventRegistry } from '@vangnet/contracts/registry';
import { readSamples } from '@vangnet/contracts/samples';
import { describe, expect, it } from 'vitest';
import { outboxMessage } from './outbox.ts';

describe('outbox messages', () => {
  it("carry every event's CloudEvents attributes as the NL GOV profile asks, dataschema included", () => {
    const source = 'urn:nld:oin:00000001234567890000:systeem:vangnet-signals';
    const samples = readSamples();
    for (const definition of eventRegistry) {
      const sample = samples.find((candidate) => candidate.type === definition.type);
      if (!sample) throw new Error(`no sample for ${definition.type}`);
      const message = outboxMessage(definition, sample.data, { source });
      expect(CloudEventHeaders.parse(message.headers)).toBeTruthy();
      expect(message.headers.ce_dataschema, definition.type).toBe(definition.dataschema);
      expect(fromKafkaHeaders(message.headers)).toMatchObject({
        type: definition.type,
        source,
        dataschema: definition.dataschema,
      });
    }
  });
});
