#!/usr/bin/env node
import { allTopics } from '@vangnet/contracts/topics';
import pino from 'pino';
import { createKafka } from './kafka.ts';
import { replayDeadLetters } from './replay.ts';

const topic = process.argv[2];
const brokers = process.env.KAFKA_BROKERS?.split(',');
if (!topic || !brokers) {
  console.error(
    `usage: KAFKA_BROKERS=host:port pnpm replay-dead-letters <topic>\n  topics: ${allTopics.join(', ')}\n` +
      'Moves the dead letters of <topic>.dlq back to <topic>, once each.',
  );
  process.exit(2);
}
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const replayed = await replayDeadLetters({
  kafka: createKafka({ brokers, clientId: 'vangnet-replay', logger }),
  topic,
  logger,
});
console.error(`${replayed} dead letter(s) moved back to ${topic}`);
