import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTelemetry } from '@vangnet/platform/telemetry';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { System } from './fixtures/system.ts';

/**
 * One trace per signal: from the landlord's request through the outbox,
 * Kafka, the router, Kafka again, to the referral. This file runs the
 * services' SDK with their HTTP and pg instrumentation, recording in memory
 * (each test file runs in its own process, so the SDK is this file's alone).
 */

const spans = new InMemorySpanExporter();
const stopTelemetry = startTelemetry('e2e', { spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
// As server.ts does: the services (fastify, pg) load after the instrumentation is in place.
const { startSystem } = await import('./fixtures/system.ts');

let system: System;

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
});

afterAll(async () => {
  await system?.close();
  await stopTelemetry();
});

describe('tracing', () => {
  it("continues the caller's trace from the request to the referral, each hop the child of the one before", async () => {
    const team = await system.createTeam();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const signal = await system.postSignal(team.postcode, { traceparent: `00-${traceId}-${callerSpan}-01` });
    await waitFor('the referral', system.referralFor(team.id, signal.caseId));

    const hops = [
      'POST /v1/signals',
      'signals.events.v1 publish',
      'signals.events.v1 process',
      'routing.decisions.v1 publish',
      'routing.decisions.v1 process',
    ];
    const inTrace = await waitFor('every hop recorded', async () => {
      const finished = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
      return hops.every((name) => finished.some((span) => span.name === name)) ? finished : undefined;
    });
    // Several consumer groups may process one topic (referrals also reads signals.events.v1 for case
    // urgency): each hop must have a span that is the child of a span of the hop before.
    let parents = new Set([callerSpan]);
    for (const name of hops) {
      const candidates = inTrace.filter((span) => span.name === name);
      const children = candidates.filter((span) => parents.has(span.parentSpanContext?.spanId ?? ''));
      expect(
        children.length,
        `${name} should be the child of the hop before (parents seen: ${candidates.map((span) => span.parentSpanContext?.spanId).join(', ')})`,
      ).toBeGreaterThan(0);
      parents = new Set(children.map((span) => span.spanContext().spanId));
    }
    // The request's span is the HTTP instrumentation's server span, named after the route;
    // the database work it did shows as pg spans under it.
    const request = inTrace.find((span) => span.name === 'POST /v1/signals');
    expect(request?.kind).toBe(SpanKind.SERVER);
    expect(request?.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
    expect(request?.attributes['http.route']).toBe('/v1/signals');
    const queries = inTrace.filter(
      (span) =>
        span.instrumentationScope.name === '@opentelemetry/instrumentation-pg' &&
        span.parentSpanContext?.spanId === request?.spanContext().spanId,
    );
    expect(queries.map((span) => span.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.query/)]));
    expect(
      queries.some((span) =>
        String(span.attributes['db.query.text'] ?? span.attributes['db.statement']).includes('outbox'),
      ),
    ).toBe(true);
    // The router's work on the event is in the trace too: its queries under its process span.
    const routing = inTrace
      .filter((span) => span.name === 'signals.events.v1 process')
      .map((span) => span.spanContext().spanId);
    expect(
      inTrace.some(
        (span) =>
          span.instrumentationScope.name === '@opentelemetry/instrumentation-pg' &&
          routing.includes(span.parentSpanContext?.spanId ?? ''),
      ),
    ).toBe(true);
    // Span names and attributes carry routes and topics, never ids of people or addresses.
    const recorded = JSON.stringify(inTrace.map((span) => [span.name, span.attributes]));
    expect(recorded).not.toContain(team.postcode);
    expect(recorded).not.toContain(signal.id);
    expect(recorded).not.toContain(signal.caseId);
  });
});
