import { loggerOptions } from '@vangnet/platform/logging';
import { closeOnSignals } from '@vangnet/platform/shutdown';
import { startTelemetry } from '@vangnet/platform/telemetry';
import pino from 'pino';
import { loadConfig } from './config.ts';

const stopTelemetry = startTelemetry('referrals');
// Imported only now: the HTTP and pg instrumentations patch fastify's and
// pg's modules as they load, which a static import would load first.
const { buildApp } = await import('./app.ts');
const config = loadConfig();
const logger = pino(loggerOptions('referrals', config.LOG_LEVEL));
const app = await buildApp(config, logger);
closeOnSignals(logger, async () => {
  await app.close();
  await stopTelemetry();
});
await app.listen({ host: config.HOST, port: config.PORT });
