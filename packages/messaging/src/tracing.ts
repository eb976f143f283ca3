import {
  type Context,
  context as contexts,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Trace context travels explicitly: a request's context is stored in the
 * outbox row, the relay's publish span is its child, the consumer's span is
 * the publish span's child, and events a handler emits carry the consumer
 * span's context. One trace per signal, across three services and two hops
 * over Kafka, without relying on an async context surviving a database
 * round trip or a restart in between.
 */

// W3C trace context even without an SDK: then spans do not record, but an
// incoming traceparent still passes through to the next hop.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const tracer = () => trace.getTracer('vangnet');

/** The `traceparent`/`tracestate` headers of a context, for an outbox row or a Kafka message. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

export function traceHeadersOf(context: Context): TraceHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

export interface StartedSpan {
  span: Span;
  context: Context;
  end(error?: unknown): void;
}

export function startSpan(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Record<string, string | number | boolean> = {},
): StartedSpan {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  return {
    span,
    context: trace.setSpan(parent, span),
    end(error) {
      if (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.end();
    },
  };
}

/**
 * The span an instrumentation started for this call and made active in the
 * async context (the SDK's HTTP server span of a request), renamed and
 * given the attributes; undefined when there is none (no SDK). The
 * instrumentation ends it: `end` only records an error.
 */
export function adoptActiveSpan(
  name: string,
  attributes: Record<string, string | number | boolean> = {},
): StartedSpan | undefined {
  const active = contexts.active();
  const span = trace.getSpan(active);
  if (!span?.isRecording()) return undefined;
  span.updateName(name);
  span.setAttributes(attributes);
  return {
    span,
    context: active,
    end(error) {
      if (!error) return;
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    },
  };
}

/** Ids for log lines, when a trace is being recorded. */
export function traceIdsOf(context: Context): { trace_id: string; span_id: string } | undefined {
  const spanContext = trace.getSpanContext(context);
  return spanContext && trace.isSpanContextValid(spanContext)
    ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
    : undefined;
}

export { contexts, SpanKind };
