import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics registry; plugins add their own series to it. */
    metrics: Registry;
    /** Where /metrics is served once the app listens (`http://host:port/metrics`), else undefined. */
    metricsUrl(): string | undefined;
  }
}

export interface MetricsOptions {
  service: string;
  /** The metrics listener's port, apart from the API's (0: a free one). */
  port: number;
  host: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

const bearer = (header: string | undefined, token: string): boolean => {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * Prometheus metrics: the process's own (CPU, memory, event loop, GC),
 * request rate, errors and latency per route template (never per URL: ids
 * stay out of labels), and what other plugins add. One registry per app,
 * not the global one, so tests can run several apps in one process.
 *
 * Served on a listener of its own (`port`), never on the API's port: the
 * API faces partners through the ingress, the metrics port only the
 * cluster's scraper (k8s NetworkPolicy), and a token can be asked as well.
 * It opens when the API listens and closes with the app, so an app that
 * tests only `inject` into opens no port.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: MetricsOptions) => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: registry });
    app.decorate('metrics', registry);

    const requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route template and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });

    let server: Server | undefined;
    app.decorate('metricsUrl', () => {
      const address = server?.address() as AddressInfo | null | undefined;
      if (!address) return undefined;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}/metrics`;
    });

    app.addHook('onListen', async () => {
      if (server) return;
      const listener = createServer((request, response) => {
        const path = (request.url ?? '').split('?')[0];
        if (request.method !== 'GET' || path !== '/metrics') {
          response.writeHead(404).end();
          return;
        }
        if (options.token && !bearer(request.headers.authorization, options.token)) {
          response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
          return;
        }
        registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (error: unknown) => {
            app.log.error({ err: error }, 'collecting metrics failed');
            response.writeHead(500).end();
          },
        );
      });
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(options.port, options.host, () => {
          listener.off('error', reject);
          resolve();
        });
      });
      server = listener;
    });
    app.addHook('onClose', async () => {
      const listener = server;
      server = undefined;
      if (listener) await new Promise<void>((resolve) => listener.close(() => resolve()));
    });
  },
  { name: 'vangnet-metrics' },
);

export { Counter, Gauge };
