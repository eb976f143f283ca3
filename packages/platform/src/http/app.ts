import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthOptions, authPlugin } from '../auth/auth.ts';
import { healthPlugin } from './health.ts';
import { type MetricsOptions, metricsPlugin } from './metrics.ts';
import { type DomainErrorTable, registerProblemHandlers, zodValidatorCompiler } from './problem.ts';
import { registerRequestTracing } from './tracing.ts';

export type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

function baseFastify(logger: FastifyBaseLogger, bodyLimit: number) {
  return Fastify({
    loggerInstance: logger,
    bodyLimit,
    // Request ids let a partner quote a failing call without quoting its content.
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<ZodTypeProvider>();
}

export type ServiceApp = ReturnType<typeof baseFastify>;

export interface ServiceAppOptions {
  service: string;
  title: string;
  description: string;
  logger: FastifyBaseLogger;
  auth: AuthOptions;
  /** The service's domain error codes with their HTTP status and title. */
  domainErrors?: DomainErrorTable;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** Where /metrics listens (a port of its own) and the token it may ask. */
  metrics: Omit<MetricsOptions, 'service'>;
}

/**
 * The fastify instance every service starts from: zod validation with every
 * issue reported, problem+json errors, bearer-token auth, health endpoints
 * and an OpenAPI 3.1 document generated from the same zod schemas.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = baseFastify(options.logger, options.bodyLimit ?? 1024 * 1024);

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app, options.domainErrors);
  registerRequestTracing(app);
  // A JSON API: plain text would reach validation as one string and come back
  // as a confusing 400; refusing it says what is wrong (415).
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, description: options.description, version: '1.0.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(authPlugin, options.auth);
  await app.register(healthPlugin);
  await app.register(metricsPlugin, { service: options.service, ...options.metrics });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}
