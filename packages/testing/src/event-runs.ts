import { readSamples } from '@vangnet/contracts/samples';
import { type BatchItem, decodeEvent, type EventHandler } from '@vangnet/messaging/consumer';

interface Transactional<Tx> {
  $transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * Applies a run of events of one type as a service's consumer would: the
 * stored sample of `type` with each of `changes` spread over its data,
 * decoded by `handlers`, in one transaction. A run of more than one goes to
 * the handler's `handleMany` (and fails the test if it has none), a run of
 * one to `handle`, as in EventConsumer. For tests of what handleMany must
 * leave: the same as `handle` on each event in turn.
 */
export async function applyRun<Tx>(
  db: Transactional<Tx>,
  handlers: EventHandler<Tx>[],
  type: string,
  changes: Record<string, unknown>[],
): Promise<void> {
  const sample = readSamples().find((candidate) => candidate.type === type);
  if (!sample) throw new Error(`no stored sample of ${type}`);
  let handler: EventHandler<Tx> | undefined;
  const items: BatchItem[] = changes.map((change) => {
    const decoded = decodeEvent(handlers, sample.headers, JSON.stringify({ ...(sample.data as object), ...change }));
    if (decoded === 'ignored') throw new Error(`no handler reads ${type}`);
    handler = decoded.handler;
    return { data: decoded.data, event: decoded.attributes, trace: {} };
  });
  const chosen = handler;
  if (!chosen) throw new Error('an empty run');
  if (items.length === 1) {
    const [only] = items as [BatchItem];
    await db.$transaction((tx) => chosen.handle(only.data, { tx, event: only.event, trace: {} }));
    return;
  }
  const { handleMany } = chosen;
  if (!handleMany) throw new Error(`the handler of ${type} handles no runs`);
  await db.$transaction((tx) => handleMany(items, tx));
}
