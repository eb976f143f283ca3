import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energySignal, rentSignal, startSignals } from './harness.ts';

/** A database of this file's own: the monitor counts every signal in it. */
let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  signals = await startSignals();
});

afterAll(async () => {
  await signals?.close();
});

const coordinator = (municipalityCode = 'GM9901') =>
  signals.issuer.sign({
    organisationId: 'coordinator-1',
    kind: 'coordinator',
    scopes: ['signals:read'],
    municipalityCode,
  });

const month = new Date().toISOString().slice(0, 7);

describe('GET /v1/monitor', () => {
  it('counts the period by partner kind, type, status and closing result, and names nobody', async () => {
    const landlord = await signals.token('landlord');
    await signals.post(rentSignal(), landlord);
    await signals.post(rentSignal(), landlord);
    await signals.post(rentSignal(undefined, 20), landlord);
    await signals.post(energySignal(), await signals.token('energy'));

    const response = await signals.request(
      'GET',
      `/v1/monitor?municipality=GM9901&period=${month}`,
      await coordinator(),
    );
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.rows).toEqual([
      { partnerKind: 'energy', signalType: 'energy', status: 'open', closingResult: null, count: 1 },
      { partnerKind: 'landlord', signalType: 'rent', status: 'closed', closingResult: 'unjustified', count: 1 },
      { partnerKind: 'landlord', signalType: 'rent', status: 'open', closingResult: null, count: 2 },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/HUUR-|Vries|[0-9a-f]{8}-[0-9a-f]{4}/);

    const lastYear = await signals.request(
      'GET',
      `/v1/monitor?municipality=GM9901&period=${Number(month.slice(0, 4)) - 1}`,
      await coordinator(),
    );
    expect(lastYear.json().rows).toEqual([]);
  });

  it("when a coordinator asks for another municipality's report, then 403", async () => {
    const response = await signals.request(
      'GET',
      `/v1/monitor?municipality=GM0363&period=${month}`,
      await coordinator(),
    );
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN_MUNICIPALITY');
  });

  it('when a landlord asks for the monitor, then 403', async () => {
    const response = await signals.request(
      'GET',
      `/v1/monitor?municipality=GM9901&period=${month}`,
      await signals.token('landlord'),
    );
    expect(response.statusCode).toBe(403);
  });
});
