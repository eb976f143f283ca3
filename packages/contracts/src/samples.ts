import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The stored example messages in `packages/contracts/samples/`, one per
 * published version of every event: `<ce_type>.json` holding the Kafka
 * headers and the JSON data exactly as a consumer receives them. They never
 * change once written (see samples/README.md), so a test that feeds them to
 * a consumer proves it still reads every version ever published.
 */
export interface EventSample {
  /** File name, e.g. `nl.vangnet.networks.RoutingDecided.v1.json`. */
  file: string;
  /** The CloudEvents type the file name claims. */
  type: string;
  headers: Record<string, string>;
  data: unknown;
}

export const samplesDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');

export function readSamples(): EventSample[] {
  return readdirSync(samplesDirectory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const { headers, data } = JSON.parse(readFileSync(path.join(samplesDirectory, file), 'utf8')) as {
        headers: Record<string, string>;
        data: unknown;
      };
      return { file, type: file.slice(0, -'.json'.length), headers, data };
    });
}

/** The message value as it travels on Kafka. */
export const sampleValue = (sample: EventSample): Buffer => Buffer.from(JSON.stringify(sample.data));
