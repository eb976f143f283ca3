/**
 * One consumer-group member for bench:kafka-clients' fault runs, in a process
 * of its own so the bench can SIGKILL it. It "applies" a message by writing
 * a line to stdout (a pipe: a line written survives the kill) and commits
 * the offsets of applied messages only, every COMMIT_INTERVAL_MS: at least
 * once, as the service consumers commit after their inbox transaction.
 *
 * stdout lines (the bench parses them):
 *   j <epoch ms> <partition,partition,...>   joined the group with that assignment
 *   m <epoch ms> <partition> <offset>        applied one message
 *   r <epoch ms>                             consuming again after the stream failed (platformatic)
 *
 *   node member.ts <kafkajs|platformatic> <brokers> <topic> <groupId> <sessionTimeoutMs>
 */
import { writeSync } from 'node:fs';
import { Consumer, type MessagesStream, stringDeserializers } from '@platformatic/kafka';
import { platformaticRetries } from '@vangnet/messaging/adapters/platformatic';
import { Kafka, logLevel } from 'kafkajs';

function usage(): never {
  throw new Error('usage: member.ts <kafkajs|platformatic> <brokers> <topic> <groupId> <sessionTimeoutMs>');
}
const [client, brokerList, topicArgument, groupIdArgument, sessionTimeoutText] = process.argv.slice(2);
const topic: string = topicArgument ?? usage();
const groupId: string = groupIdArgument ?? usage();
const brokers = (brokerList ?? usage()).split(',');
const sessionTimeout = Number(sessionTimeoutText ?? usage());
// As EventConsumer sets it: a third of the session, at most 3 s.
const heartbeatInterval = Math.min(3_000, Math.floor(sessionTimeout / 3));
const COMMIT_INTERVAL_MS = 500;

const line = (text: string) => writeSync(1, `${text}\n`);
const joined = (partitions: number[]) => line(`j ${Date.now()} ${[...partitions].sort((a, b) => a - b).join(',')}`);
const applied = (partition: number, offset: string) => line(`m ${Date.now()} ${partition} ${offset}`);

async function runKafkajs(): Promise<() => Promise<void>> {
  const kafka = new Kafka({
    clientId: `bench-member-${process.pid}`,
    brokers,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout: sessionTimeout,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => joined(payload.memberAssignment[topic] ?? []));
  // kafkajs gives up on its own after its retries; a service would restart the consumer.
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    process.stderr.write(`kafkajs consumer crashed: ${String(payload.error)} (restart: ${payload.restart})\n`),
  );
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  // eachMessage resolves a message's offset once the handler returned; kafkajs
  // commits resolved offsets every COMMIT_INTERVAL_MS.
  await consumer.run({
    autoCommitInterval: COMMIT_INTERVAL_MS,
    eachMessage: async ({ partition, message }) => {
      applied(partition, message.offset);
    },
  });
  return () => consumer.disconnect();
}

async function runPlatformatic(): Promise<() => Promise<void>> {
  const consumer = new Consumer({
    clientId: `bench-member-${process.pid}`,
    bootstrapBrokers: brokers,
    groupId,
    deserializers: stringDeserializers,
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout: sessionTimeout,
    // Its autocommit marks a fetched batch for commit before the messages are
    // handed over (at most once on a crash), so offsets are committed here.
    autocommit: false,
    maxWaitTime: 500,
    ...platformaticRetries,
  });
  consumer.on('consumer:group:join', ({ assignments }) =>
    joined(assignments?.find((assignment) => assignment.topic === topic)?.partitions ?? []),
  );
  const pending = new Map<number, { offset: bigint; leaderEpoch: number }>();
  const commit = async () => {
    if (pending.size === 0) return;
    const offsets = [...pending].map(([partition, { offset, leaderEpoch }]) => ({
      topic,
      partition,
      offset,
      leaderEpoch,
    }));
    pending.clear();
    // A commit during a rebalance fails; the next one carries newer offsets or the new owner redelivers.
    await consumer.commit({ offsets }).catch((error: Error) => process.stderr.write(`commit: ${error.message}\n`));
  };
  const timer = setInterval(() => void commit(), COMMIT_INTERVAL_MS);
  // The stream ends with an error once a fetch failed `retries` times (a
  // broker away for longer); the consumer object lives on, so a service
  // consumes again, as kafkajs restarts itself (restartOnFailure).
  let stopping = false;
  let stream: MessagesStream<string, string, string, string> | undefined;
  const consuming = (async () => {
    while (!stopping) {
      try {
        stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest' });
      } catch (error) {
        process.stderr.write(`platformatic consume: ${(error as Error).message}\n`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      const current = stream;
      current.on('data', (message) => {
        applied(message.partition, String(message.offset));
        pending.set(message.partition, { offset: message.offset + 1n, leaderEpoch: message.leaderEpoch });
      });
      const failed = await new Promise<boolean>((resolve) => {
        current.once('error', (error: Error) => {
          process.stderr.write(`platformatic stream error: ${error.message}\n`);
          resolve(true);
        });
        current.once('close', () => resolve(false));
      });
      if (!failed || stopping) return;
      line(`r ${Date.now()}`);
      await current.close().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  return async () => {
    stopping = true;
    clearInterval(timer);
    await stream?.close();
    await consuming;
    await commit();
    await consumer.close();
  };
}

const stop = client === 'kafkajs' ? await runKafkajs() : await runPlatformatic();
process.once('SIGTERM', () => {
  void stop().finally(() => process.exit(0));
});
