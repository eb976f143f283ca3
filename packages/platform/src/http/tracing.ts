import {
  adoptActiveSpan,
  contextFromHeaders,
  SpanKind,
  type StartedSpan,
  startSpan,
  type TraceHeaders,
  traceHeadersOf,
  traceIdsOf,
} from '@vangnet/messaging/tracing';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Trace context of this request: what its outbox events carry onwards. */
    traceHeaders: TraceHeaders;
    traceSpan: StartedSpan | undefined;
  }
}

/**
 * A server span per request, child of the caller's `traceparent` when it
 * sends one, with the trace id on every log line of the request. The span
 * is named after the route template, never the URL (ids stay out of it).
 * With the SDK running, the HTTP instrumentation has started that span
 * already (and made it the async context, so the request's database spans
 * are its children): it is renamed and kept, not doubled.
 */
export function registerRequestTracing(app: FastifyInstance) {
  app.decorateRequest('traceHeaders', null as unknown as TraceHeaders);
  app.decorateRequest('traceSpan', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const route = request.routeOptions.url ?? 'unknown route';
    const name = `${request.method} ${route}`;
    const attributes = { 'http.request.method': request.method, 'http.route': route };
    const span =
      adoptActiveSpan(name, attributes) ??
      startSpan(name, SpanKind.SERVER, contextFromHeaders(request.headers), attributes);
    request.traceSpan = span;
    request.traceHeaders = traceHeadersOf(span.context);
    const ids = traceIdsOf(span.context);
    if (ids) request.log = request.log.child(ids);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.traceSpan?.span.setAttribute('http.response.status_code', reply.statusCode);
    request.traceSpan?.end(reply.statusCode >= 500 ? new Error(`HTTP ${reply.statusCode}`) : undefined);
  });
}
