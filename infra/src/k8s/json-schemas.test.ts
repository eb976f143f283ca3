import { describe, expect, it } from 'vitest';
import { schemasOf, standalone, toJsonSchema } from './json-schemas.ts';

describe('CRD to JSON Schema', () => {
  it('refuses unknown fields where properties are declared, except where the CRD preserves them', () => {
    const schema = toJsonSchema({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { partitions: { type: 'integer' } } },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
      },
    }) as { additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.spec?.additionalProperties).toBe(false);
    expect(schema.properties.config?.additionalProperties).toBeUndefined();
  });

  it("makes Kubernetes' int-or-string a choice of string or integer", () => {
    const schema = toJsonSchema({ properties: { port: { 'x-kubernetes-int-or-string': true } } }) as {
      properties: { port: Record<string, unknown> };
    };
    expect(schema.properties.port.oneOf).toEqual([{ type: 'string' }, { type: 'integer' }]);
  });

  it('names one file per version after group, kind and version', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: kafka.strimzi.io
  names: { kind: KafkaTopic }
  versions:
    - name: v1
      schema: { openAPIV3Schema: { type: object } }
`;
    expect(schemasOf(crd).map(([file]) => file)).toEqual(['kafka.strimzi.io/kafkatopic_v1.json']);
  });
});

describe('standalone Kubernetes schemas', () => {
  it('carry the shared definitions they reach, also through other definitions, and no others', () => {
    const definitions = {
      Spec: { properties: { template: { $ref: '#/$defs/Template' } } },
      Template: { type: 'object' },
      Unused: { type: 'string' },
    };
    const schema = standalone({ properties: { spec: { $ref: '/api/_definitions.json#/$defs/Spec' } } }, definitions);
    expect(schema).toEqual({
      properties: { spec: { $ref: '#/$defs/Spec' } },
      $defs: { Spec: { properties: { template: { $ref: '#/$defs/Template' } } }, Template: { type: 'object' } },
    });
  });

  it('fails on a reference it cannot resolve', () => {
    expect(() => standalone({ $ref: '#/$defs/Missing' }, {})).toThrow('no definition Missing');
  });
});
