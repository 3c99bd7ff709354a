/**
 * A `lint` worker thread's work (its entry is workerEntry.ts, dist/lintWorker.js): waits for its share of a large
 * run's files (it may be started before the run knows them, see early.ts), checks them (`shardEvents`) and streams each
 * file's events to the run, which prints them in order (see run.ts).
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../util/errors';
import { bundledSchemaValidation } from '../schema/bundledValidation';
import type { FileFacts } from '../lint';
import { Exchanges, WINDOW, weight, type FromShard, type ShardStart, type ToShard } from './protocol';
import { shardEvents } from './shard';

/** Runs this worker thread's share; `dist` is the folder of the bundled schema's reader and workers. */
export function runShard(dist: string): void {
  const port = parentPort;
  if (!port) throw new Error('lintWorker.js runs only as a worker thread');
  const schemas = bundledSchemaValidation(dist);
  let taken = 0;
  let wake: (() => void) | undefined;
  let exchanges: Exchanges | undefined;
  let started: (start: ShardStart) => void;
  const start = new Promise<ShardStart>((resolve) => (started = resolve));
  port.on('message', (message: ToShard) => {
    if ('start' in message) {
      exchanges = new Exchanges(message.start.shares);
      started(message.start);
    } else if ('taken' in message) {
      taken += message.taken;
      wake?.();
    } else exchanges?.take(message.given);
  });
  const send = (message: FromShard) => port.postMessage(message);

  const run = async (): Promise<void> => {
    const { files, options } = await start;
    let sent = 0;
    const exchange = (own: readonly (readonly [number, FileFacts])[]) => {
      const { all } = exchanges!.give(own);
      send({ facts: own });
      return all;
    };
    const { schema, ...rest } = options;
    for await (const placed of shardEvents(files, { ...rest, schemas: schema ? schemas.load : undefined }, exchange)) {
      while (sent - taken >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
      send({ placed });
      sent += weight(placed);
    }
  };

  run().then(
    () => send({ done: true }),
    (err: unknown) => send({ error: errorMessage(err) }),
  ).finally(() => {
    schemas.dispose();
    port.close();
  });
}
