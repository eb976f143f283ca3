import { describe, expect, it } from 'vitest';
import { chartData } from './neighbourhoods.ts';

describe('neighbourhood charts', () => {
  it('when counts come per neighbourhood and kind, then each kind is a series over every neighbourhood, with reach in percent', () => {
    const data = chartData(
      {
        neighbourhoods: [
          { code: 'BU99010101', name: 'Haven' },
          { code: 'BU99010102', name: 'Duinkant' },
        ],
        rows: [
          { neighbourhoodCode: 'BU99010101', signalKind: 'rent', count: 3 },
          { neighbourhoodCode: 'BU99010102', signalKind: 'energy', count: 1 },
          { neighbourhoodCode: null, signalKind: 'rent', count: 2 },
        ],
      },
      {
        neighbourhoods: [{ neighbourhoodCode: 'BU99010101', items: 4, reached: 1, openNow: 5 }],
        teams: [{ teamId: 't1', openNow: 5 }],
      },
      [{ id: 't1', name: 'Noord', capacity: 50, openAssignments: 6, active: true, neighbourhoodCodes: [] }],
    );
    expect(data.neighbourhoods).toEqual(['Haven', 'Duinkant', 'Onbekende buurt']);
    expect(data.signals).toEqual([
      { label: 'Energie', data: [0, 1, 0] },
      { label: 'Huurachterstand', data: [3, 0, 2] },
    ]);
    expect(data.reach).toEqual([25, 0, 0]);
    expect(data).toMatchObject({ teams: ['Noord'], open: [5], capacity: [50] });
  });
});
