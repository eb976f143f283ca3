import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { asyncApiJson, buildAsyncApiDocument, messageId } from './asyncapi.ts';
import { EVENT_SCHEMAS_URL } from './envelope.ts';
import { eventRegistry } from './registry.ts';
import { allTopics } from './topics.ts';
import { asyncApiPath } from './write-asyncapi.ts';

/** Spectral's severities: 0 is an error, 1 a warning, 2 information, 3 a hint. */
const ERROR = 0;

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0', { timeout: 30_000 }, async () => {
    const { document, diagnostics } = await new Parser().parse(asyncApiJson());
    const errors = diagnostics
      .filter((diagnostic) => diagnostic.severity === ERROR)
      .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('describes every topic and every event version with its CloudEvents type', () => {
    const document = buildAsyncApiDocument() as {
      channels: Record<string, { address: string }>;
      components: {
        messages: Record<string, { headers: { allOf: { properties?: { ce_type?: { const: string } } }[] } }>;
      };
    };
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual(
      expect.arrayContaining(allTopics),
    );
    for (const definition of eventRegistry) {
      const headers = document.components.messages[messageId(definition)]?.headers.allOf;
      expect(headers?.[1]?.properties?.ce_type?.const).toBe(definition.type);
    }
  });

  it("is where every event's dataschema points: the payload schema of that type and version", () => {
    const document = buildAsyncApiDocument() as { components: { schemas: Record<string, unknown> } };
    const types = new Set<string>();
    for (const definition of eventRegistry) {
      const [url, pointer] = definition.dataschema.split('#');
      expect(url).toBe(EVENT_SCHEMAS_URL);
      const name = pointer?.replace(/^\/components\/schemas\//, '') ?? '';
      expect(pointer, definition.type).toBe(`/components/schemas/${name}`);
      expect(document.components.schemas[name], definition.type).toEqual(expect.objectContaining({ type: 'object' }));
      types.add(definition.dataschema);
    }
    // One schema per version: no two types share one.
    expect(types.size).toBe(eventRegistry.length);
  });

  it('is committed as generated (docs/asyncapi.json)', () => {
    const committed = readFileSync(asyncApiPath, 'utf8');
    expect(committed === asyncApiJson(), 'docs/asyncapi.json is stale: run pnpm asyncapi and commit it').toBe(true);
  });
});
