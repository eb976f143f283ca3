import type { IncomingMessage } from 'node:http';
import type { Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace';

/** Paths the orchestrator and the scraper call every few seconds: no trace is worth their noise. */
const untraced = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * What is recorded without code of ours:
 *  - HTTP: the server span of every request (the app names it after its
 *    route, see http/tracing.ts). The URL's path and query are replaced:
 *    they hold ids and filter values, which stay out of traces. Outgoing
 *    requests are not traced: a webhook URL may carry its owner's token.
 *  - PostgreSQL: a span per query (the SQL text with placeholders, never
 *    the values) and per pool checkout, only inside a trace, so the pollers
 *    (outbox relay, webhook dispatcher, jobs) do not start one every second.
 */
export function instrumentations() {
  return [
    new HttpInstrumentation({
      disableOutgoingRequestInstrumentation: true,
      ignoreIncomingRequestHook: (request: IncomingMessage) => untraced.test(request.url ?? ''),
      startIncomingSpanHook: (request: IncomingMessage) => ({
        'url.path': 'redacted',
        ...((request.url ?? '').includes('?') ? { 'url.query': 'redacted' } : {}),
      }),
    }),
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}

/**
 * Starts the OpenTelemetry SDK with HTTP and PostgreSQL auto-instrumented
 * when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, the standard variables), or when the
 * caller brings its own span processors (tests record in memory). Without
 * either, spans do not record, but trace context still flows through
 * requests and events.
 *
 * Must run before fastify and pg are loaded, or there is nothing to patch:
 * server.ts imports the app only after calling this.
 */
export function startTelemetry(
  serviceName: string,
  options: { spanProcessors?: SpanProcessor[] } = {},
): () => Promise<void> {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (process.env.OTEL_SDK_DISABLED === 'true') return async () => undefined;
  if (!endpoint && !options.spanProcessors) return async () => undefined;
  const processors = options.spanProcessors ?? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })];
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: processors.map((processor) => new WithoutErrorMessages(processor)),
    instrumentations: instrumentations(),
  });
  sdk.start();
  return () => sdk.shutdown();
}

/**
 * Hands finished spans on without what an error said: an exception event
 * keeps its type, a span's error status its code, and the message and stack
 * (which can quote a row's values: "Failing row contains (…)", an invalid
 * input) stay in the process, as with logs (failureForLog). The pg
 * instrumentation sets a failed query's status to the driver's message;
 * this is the one place that covers ours and theirs.
 */
export class WithoutErrorMessages implements SpanProcessor {
  readonly #next: SpanProcessor;

  constructor(next: SpanProcessor) {
    this.#next = next;
  }

  onStart(span: Span, parentContext: Context): void {
    this.#next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.#next.onEnd(withoutErrorMessages(span));
  }

  forceFlush(): Promise<void> {
    return this.#next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#next.shutdown();
  }
}

export function withoutErrorMessages(span: ReadableSpan): ReadableSpan {
  const exceptions = span.events.some((event) => event.name === 'exception');
  if (!exceptions && span.status.message === undefined) return span;
  const events = span.events.map((event) =>
    event.name === 'exception'
      ? {
          ...event,
          attributes: Object.fromEntries(
            Object.entries(event.attributes ?? {}).filter(([name]) => name === 'exception.type'),
          ),
        }
      : event,
  );
  // A view of the span with these two fields replaced; everything else (its methods too) is the span's.
  return Object.create(span, {
    events: { value: events, enumerable: true },
    status: { value: { code: span.status.code }, enumerable: true },
  }) as ReadableSpan;
}
