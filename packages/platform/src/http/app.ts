import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AuthOptions, authPlugin } from '../auth/auth.ts';
import { healthPlugin } from './health.ts';
import { type MetricsOptions, metricsPlugin } from './metrics.ts';
import { API_VERSION, completeDocument } from './openapi.ts';
import { type DomainErrorTable, ProblemError, registerProblemHandlers, zodValidatorCompiler } from './problem.ts';
import { MethodTable } from './routing.ts';
import { registerRequestTracing } from './tracing.ts';

export type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

function baseFastify(logger: FastifyBaseLogger, bodyLimit: number) {
  return Fastify({
    loggerInstance: logger,
    bodyLimit,
    // Long ids are refused by their schema (400 naming the field), not by the router (414).
    routerOptions: { maxParamLength: 2048 },
    // Request ids let a partner quote a failing call without quoting its content.
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<ZodTypeProvider>();
}

export type ServiceApp = ReturnType<typeof baseFastify>;

/** The HTTP settings every service reads from its environment (`commonConfig`). */
export interface HttpSettings {
  PUBLIC_BASE_URL?: string | undefined;
  CORS_ALLOWED_ORIGINS: string[];
  RATE_LIMIT_MAX: number;
  RATE_LIMIT_WINDOW_SECONDS: number;
}

export interface ServiceAppOptions {
  service: string;
  title: string;
  description: string;
  logger: FastifyBaseLogger;
  auth: AuthOptions;
  http: HttpSettings;
  /** The service's domain error codes with their HTTP status and title. */
  domainErrors?: DomainErrorTable;
  /** Descriptions of the tags the service's routes use. */
  tags?: Record<string, string>;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** Where /metrics listens (a port of its own) and the token it may ask. */
  metrics: Omit<MetricsOptions, 'service'>;
}

/** Who to ask about the API (/core/doc-openapi-contact). */
const CONTACT = { name: 'Vangnet API-beheer', url: 'https://vangnet.nl/api', email: 'api@vangnet.nl' };

const LandingPage = z.object({
  title: z.string(),
  description: z.string(),
  version: z.string(),
  links: z.object({ openapi: z.string(), docs: z.string() }),
});

/**
 * The fastify instance every service starts from: zod validation with every
 * issue reported, problem+json errors, bearer-token auth, health endpoints,
 * CORS, a rate limit per organisation, and an OpenAPI 3.1 document generated
 * from the same zod schemas, completed centrally (API-Version, errors,
 * operationIds, tags) so no route has to repeat it.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = baseFastify(options.logger, options.bodyLimit ?? 1024 * 1024);
  const domainErrors = options.domainErrors ?? {};
  const methods = new MethodTable();
  app.addHook('onRoute', (route) => methods.add(route.url, route.method));

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app, domainErrors);
  registerRequestTracing(app);
  // A JSON API: plain text would reach validation as one string and come back
  // as a confusing 400; refusing it says what is wrong (415).
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.is404) {
      // A known path asked with another method is a 405 listing what it
      // answers (RFC 9110), decided before fastify looks at the body.
      const allowed = methods.allowed(path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        throw new ProblemError({
          status: 405,
          code: 'METHOD_NOT_ALLOWED',
          title: 'This resource does not answer that method',
          detail: `${request.method} ${path}: allowed are ${allowed.join(', ')}`,
        });
      }
    }
    // `/v1/signals/` matches `/v1/signals/:signalId` with an empty id: that is
    // a path that does not exist, not an invalid id.
    const params = request.params as Record<string, unknown> | undefined;
    if (params && Object.values(params).some((value) => value === '')) {
      throw new ProblemError({
        status: 404,
        code: 'NOT_FOUND',
        title: 'No such resource',
        detail: `${request.method} ${path} does not exist`,
      });
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('api-version', API_VERSION);
    // Most answers carry personal data or who works on whom; no shared cache
    // or browser may keep them. A route that may be cached says so itself.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  await app.register(cors, {
    // Browsers of the listed origins only; server-to-server partners need none.
    origin: options.http.CORS_ALLOWED_ORIGINS.length ? options.http.CORS_ALLOWED_ORIGINS : false,
    exposedHeaders: ['api-version', 'location', 'retry-after', 'x-request-id'],
  });

  const servers = [
    { url: options.http.PUBLIC_BASE_URL ?? `https://${options.service}.vangnet.nl/v1`, description: 'This deployment' },
    { url: '/v1', description: 'The host serving this document' },
  ];
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, description: options.description, version: API_VERSION, contact: CONTACT },
      servers,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (generated) =>
      'openapiObject' in generated
        ? (completeDocument(generated.openapiObject as Record<string, unknown>, {
            domainErrors,
            tags: { ...options.tags, openapi: 'This API description and its landing page' },
          }) as typeof generated.openapiObject)
        : generated.swaggerObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/v1/docs',
    // Everything from the package itself: no CDN, no call to swagger.io's validator.
    uiConfig: { validatorUrl: null, deepLinking: true },
    staticCSP: true,
  });

  // Before the routes: the limit is attached to each route as it is added.
  await app.register(rateLimit, {
    global: true,
    // After the route's authentication, so the limit is per organisation (the
    // token's, verified), not per address: partners share NAT and proxies.
    hook: 'preHandler',
    max: options.http.RATE_LIMIT_MAX,
    timeWindow: options.http.RATE_LIMIT_WINDOW_SECONDS * 1000,
    keyGenerator: (request) => (request.principal ? `org:${request.principal.organisationId}` : `ip:${request.ip}`),
    // Probes and the scraper are not partners.
    allowList: (request) => !request.url.startsWith('/v1'),
    errorResponseBuilder: (_request, context) =>
      new ProblemError({
        status: 429,
        code: 'RATE_LIMITED',
        title: 'Too many requests for this organisation',
        detail: `at most ${context.max} requests per ${context.after}; retry after the Retry-After header's seconds`,
      }),
  });

  await app.register(authPlugin, options.auth);
  await app.register(healthPlugin);
  await app.register(metricsPlugin, { service: options.service, ...options.metrics });

  app.get(
    '/v1/openapi.json',
    {
      schema: {
        summary: 'This API description (OpenAPI 3.1)',
        tags: ['openapi'],
        response: {
          200: z.looseObject({ openapi: z.string() }).describe('The OpenAPI document'),
        },
      },
    },
    // Anyone may read the contract, from any origin (/core/publish-openapi).
    async (_request, reply) =>
      reply.header('access-control-allow-origin', '*').send(app.swagger() as { openapi: string }),
  );
  const landingPage = async () => ({
    title: options.title,
    description: options.description,
    version: API_VERSION,
    links: { openapi: '/v1/openapi.json', docs: '/v1/docs' },
  });
  app.get(
    '/v1/',
    {
      schema: {
        summary: 'Landing page: what this API is and where its description lives',
        tags: ['openapi'],
        response: { 200: LandingPage },
      },
    },
    landingPage,
  );
  app.get('/v1', { schema: { hide: true } }, landingPage);

  return app;
}
