import { randomUUID } from 'node:crypto';
import { EventConsumer, on } from '@vangnet/messaging/consumer';
import { replayDeadLetters } from '@vangnet/messaging/replay';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures/harness.ts';
import { effectsReport, type ProbeData, pgInbox, probeEvent, probeMessages, recordEffect } from './fixtures/probe.ts';

/**
 * 1% poison among 2,000 events: malformed JSON, data that breaks the
 * schema, a broken envelope, and valid events whose handler always throws.
 * Every poison message ends in the dead-letter topic with its error and
 * origin; the good ones behind it on the same partitions flow on. After the
 * handler is fixed, a replay applies the formerly failing ones exactly once.
 */

const logger = pino({ level: 'silent' });
let harness: Harness;
let consumer: EventConsumer<pg.PoolClient> | undefined;
let handlerFixed = false;

beforeAll(async () => {
  harness = await createHarness(testInfrastructure());
});

afterAll(async () => {
  await consumer?.stop();
  await harness?.close();
});

interface DeadLetter {
  key: string | undefined;
  value: string | undefined;
  headers: Record<string, string>;
}

async function readDeadLetters(count: number): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  const reader = harness.kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topics: [`${harness.topic}.dlq`], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      letters.push({ key: message.key?.toString(), value: message.value?.toString(), headers });
    },
  });
  try {
    await waitFor(`${count} dead letters`, async () => (letters.length >= count ? true : undefined), {
      timeoutMs: 30_000,
    });
  } finally {
    await reader.disconnect();
  }
  return letters;
}

describe('poison messages', () => {
  it('parks every poison message with its error, lets the rest flow, and replays the fixed ones once', async () => {
    const definition = probeEvent(harness.topic);
    const good: ProbeData[] = [];
    const messages: { key: string; value: string; headers: Record<string, string> }[] = [];
    for (let seq = 0; seq < 2_000; seq += 1) {
      const key = `household-${seq % 20}`;
      const poisonKind = seq % 100 === 7 ? ['json', 'schema', 'envelope', 'throw'][((seq / 100) % 4) | 0] : undefined;
      const data: ProbeData = poisonKind === 'throw' ? { key, seq, poison: 'throw' } : { key, seq };
      const [message] = probeMessages(harness.topic, [data]);
      if (!message) throw new Error('no message');
      let value = JSON.stringify(message.payload);
      const headers = { ...message.headers };
      if (poisonKind === 'json') value = '{"key": "household", "seq": ';
      if (poisonKind === 'schema') value = JSON.stringify({ key, seq: 'seven', bsn: '123456782' });
      if (poisonKind === 'envelope') delete (headers as Record<string, string>).ce_type;
      if (!poisonKind) good.push(data);
      messages.push({ key, value, headers });
    }
    expect(good).toHaveLength(1_980);
    const producer = harness.kafka.producer();
    await producer.connect();
    await producer.send({ topic: definition.topic, messages });
    await producer.disconnect();

    consumer = new EventConsumer<pg.PoolClient>({
      kafka: harness.kafka,
      groupId: `poison-${harness.topic}`,
      logger,
      inbox: pgInbox(harness.pool),
      maxAttempts: 3,
      initialBackoffMs: 10,
      handlers: [
        on(definition, async (data, { tx, event }) => {
          if (data.poison === 'throw' && !handlerFixed) throw new Error('the handler cannot apply this probe yet');
          await recordEffect(tx, event.id, data);
        }),
      ],
    });
    await consumer.start();

    const letters = await readDeadLetters(20);
    await waitFor('every good event applied', async () =>
      (await effectsReport(harness.pool)).distinct >= 1_980 ? true : undefined,
    );
    expect(await effectsReport(harness.pool)).toEqual({ applied: 1_980, distinct: 1_980, outOfOrderKeys: [] });

    expect(letters).toHaveLength(20);
    const errors = letters.map((letter) => letter.headers.dlq_error ?? '');
    expect(errors.filter((error) => error.includes('is not valid JSON'))).toHaveLength(5);
    expect(errors.filter((error) => error.includes('does not match its schema'))).toHaveLength(5);
    expect(errors.filter((error) => error.includes('missing CloudEvents headers: ce_type'))).toHaveLength(5);
    // A handler's failure is named by class and codes: its message could quote a row's values.
    expect(errors.filter((error) => error === 'handler failed 3 times: Error')).toHaveLength(5);
    expect(errors.filter((error) => error.includes('cannot apply this probe yet'))).toHaveLength(0);
    const handlerLetters = letters.filter((letter) => letter.headers.dlq_error?.startsWith('handler failed'));
    expect(handlerLetters.map((letter) => letter.headers.dlq_error_class)).toEqual(Array(5).fill('Error'));
    // Errors name the event and the failing field; origins are there for the replay and for people.
    expect(errors.find((error) => error.includes('schema'))).toMatch(
      /event [0-9a-f-]{36} \(nl\.vangnet\.test\.ProbeRecorded\.v1\).*seq/,
    );
    for (const letter of letters) {
      expect(letter.headers).toMatchObject({ dlq_topic: harness.topic, dlq_consumer_group: `poison-${harness.topic}` });
      expect(Number(letter.headers.dlq_partition)).toBeGreaterThanOrEqual(0);
      expect(Number(letter.headers.dlq_offset)).toBeGreaterThanOrEqual(0);
    }

    handlerFixed = true;
    expect(await replayDeadLetters({ kafka: harness.kafka, topic: harness.topic, logger })).toBe(20);
    await waitFor('the fixed probes applied', async () =>
      (await effectsReport(harness.pool)).distinct >= 1_985 ? true : undefined,
    );
    // What is still poison dies again and waits in the dead-letter topic; nothing replays twice.
    await readDeadLetters(35);
    expect(await replayDeadLetters({ kafka: harness.kafka, topic: harness.topic, logger })).toBe(15);
    await readDeadLetters(50);
    // A replayed event arrives after younger ones of its key: parking it is what let them pass.
    expect(await effectsReport(harness.pool)).toMatchObject({ applied: 1_985, distinct: 1_985 });
  }, 180_000);
});
