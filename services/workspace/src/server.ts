import { loggerOptions } from '@vangnet/platform/logging';
import { closeOnSignals } from '@vangnet/platform/shutdown';
import pino from 'pino';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const logger = pino(loggerOptions('workspace', config.LOG_LEVEL));
const app = await buildApp(config, logger);
closeOnSignals(logger, async () => {
  await app.close();
});
await app.listen({ host: config.HOST, port: config.PORT });
