import { loggerOptions } from '@vangnet/platform/logging';
import { closeOnSignals } from '@vangnet/platform/shutdown';
import { startTelemetry } from '@vangnet/platform/telemetry';
import pino from 'pino';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const stopTelemetry = startTelemetry('signals');
const config = loadConfig();
const logger = pino(loggerOptions('signals', config.LOG_LEVEL));
const app = await buildApp(config, logger);
closeOnSignals(logger, async () => {
  await app.close();
  await stopTelemetry();
});
await app.listen({ host: config.HOST, port: config.PORT });
