import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CloudEventHeaders, fromKafkaHeaders } from './envelope.ts';
import { eventDefinitionOf, eventRegistry } from './registry.ts';
import { readSamples } from './samples.ts';

const samples = readSamples();

describe('event registry', () => {
  it('holds each CloudEvents type once', () => {
    const types = eventRegistry.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
  });
});

describe('stored event samples', () => {
  it('exist for every event and version in the registry', () => {
    const missing = eventRegistry
      .filter((definition) => !samples.some((sample) => sample.type === definition.type))
      .map((definition) => `samples/${definition.type}.json`);
    expect(missing, 'write a sample for each new event or version').toEqual([]);
  });

  it.each(samples.map((sample) => [sample.file, sample] as const))(
    '%s is a message of a registered event',
    (_, sample) => {
      const definition = eventDefinitionOf(sample.type);
      expect(definition, `no definition in registry.ts for ${sample.type}`).toBeDefined();
      if (!definition) return;

      expect(CloudEventHeaders.parse(sample.headers).ce_type).toBe(sample.type);
      expect(() => fromKafkaHeaders(sample.headers)).not.toThrow();

      const data = definition.schema.parse(sample.data);
      expect(sample.headers.ce_subject, 'ce_subject is the message key').toBe(definition.key(data));
    },
  );
});

/**
 * Property names that would mean personal data in an event. Events are thin
 * (shared/ARCHITECTURE.md): names, birth dates, contact details, BSN and free
 * text about a person stay in the service that owns them.
 */
const personalDataWords = new Set([
  ...['name', 'initials', 'birth', 'birthday', 'dob', 'age', 'gender', 'bsn'],
  ...['phone', 'mobile', 'mail', 'email', 'address', 'street', 'city'],
  ...['note', 'notes', 'remark', 'remarks', 'comment', 'comments', 'text', 'description'],
]);
/** `firstName` → first, name; `date_of_birth` → date, of, birth. */
const words = (field: string): string[] =>
  (field.split('.').at(-1) ?? '').split(/(?=[A-Z])|_/).map((word) => word.toLowerCase());
const personalDataField = { test: (field: string) => words(field).some((word) => personalDataWords.has(word)) };

/** Fields that match the pattern but name no person, with the reason. */
const allowedFields: Record<string, string> = {
  'nl.vangnet.networks.TeamChanged.v1 name': 'a team is an organisation',
  'nl.vangnet.networks.NeighbourhoodChanged.v1 name': 'the public CBS name of a neighbourhood',
  'nl.vangnet.signals.CaseOpened.v1 ageBand': 'a coarse band to route on, not a birth date',
  'nl.vangnet.referrals.ReferralRequested.v1 ageBand': 'a coarse band to route on, not a birth date',
};

function propertyNames(schema: unknown, prefix = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const names: string[] = [];
  const node = schema as Record<string, unknown>;
  for (const [name, child] of Object.entries((node.properties as Record<string, unknown>) ?? {})) {
    names.push(`${prefix}${name}`, ...propertyNames(child, `${prefix}${name}.`));
  }
  if (node.items) names.push(...propertyNames(node.items, prefix));
  return names;
}

describe('event contracts', () => {
  it('carry no field that looks like personal data', () => {
    const suspicious = eventRegistry.flatMap((definition) =>
      propertyNames(z.toJSONSchema(definition.schema, { io: 'input' }))
        .filter((field) => personalDataField.test(field))
        .map((field) => `${definition.type} ${field}`)
        .filter((entry) => !(entry in allowedFields)),
    );
    expect(suspicious).toEqual([]);
  });
});
