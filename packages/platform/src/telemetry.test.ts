import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { WithoutErrorMessages } from './telemetry.ts';

describe('spans leave without error messages', () => {
  it('keeps the exception type and the error status, drops messages and stacks that may quote personal data', async () => {
    const exported = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new WithoutErrorMessages(new SimpleSpanProcessor({ exporter: exported }))],
    });
    const span = provider.getTracer('test').startSpan('INSERT signal');
    const error = Object.assign(new Error('new row violates check constraint: Failing row contains (Anna de Vries)'), {
      name: 'DatabaseError',
    });
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.addEvent('retried', { attempt: 2 });
    span.end();
    await provider.forceFlush();

    const [finished] = exported.getFinishedSpans();
    expect(finished?.name).toBe('INSERT signal');
    expect(finished?.spanContext().traceId).toBe(span.spanContext().traceId);
    expect(finished?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(finished?.events.map((event) => [event.name, event.attributes])).toEqual([
      ['exception', { 'exception.type': 'DatabaseError' }],
      ['retried', { attempt: 2 }],
    ]);
    expect(JSON.stringify({ status: finished?.status, events: finished?.events })).not.toContain('Anna');
  });

  it('passes a span without errors on as it is', async () => {
    const exported = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new WithoutErrorMessages(new SimpleSpanProcessor({ exporter: exported }))],
    });
    const span = provider.getTracer('test').startSpan('GET /v1/signals/:id');
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    await provider.forceFlush();
    expect(exported.getFinishedSpans()[0]?.status).toEqual({ code: SpanStatusCode.OK });
  });
});
