import {
  allowedMatchesTheory,
  heapFlat,
  noServerErrors,
  onlyExpectedAnswers,
  rssFlat,
} from '../../soak/soak-checks';
import type { DriverResult, MemorySample, PhaseTally } from '../../soak/soak-messages';

/** The soak's verdicts: each must be able to fail, or the soak proves nothing. */

const phase = (statuses: Record<string, number>, extra: Partial<PhaseTally> = {}): PhaseTally => ({
  responses: Object.values(statuses).reduce((sum, n) => sum + n, 0),
  statuses,
  transportErrors: 0,
  samples: [],
  windowMs: 60_000,
  allowedWindowMs: 60_000,
  perSecond: [],
  ...extra,
});

const result = (
  statuses: Record<string, number>,
  extra: Partial<PhaseTally> = {},
  warmUp: PhaseTally = phase({ '200': 30, '429': 1000 }),
): DriverResult => ({
  kind: 'result',
  connections: 200,
  warmUp,
  latencyMs: { p50: 1, p99: 2, max: 3 },
  ...phase(statuses, extra),
});

const MB = 1024 * 1024;
const memory = (atMs: number, rssMb: number, heapMb: number, gc = false) => ({
  atMs,
  sample: {
    kind: 'memory',
    gc,
    rss: rssMb * MB,
    heapUsed: heapMb * MB,
    heapTotal: 2 * heapMb * MB,
    external: 0,
  } satisfies MemorySample,
});

const bucket = { capacity: 100, refillPerSecond: 10 };

describe('Soak checks', () => {
  it('passes the allowed count at the theory and fails it 2% off either way', () => {
    expect(allowedMatchesTheory(result({ '200': 700, '429': 9000 }), bucket).ok).toBe(true);
    expect(allowedMatchesTheory(result({ '200': 714, '429': 9000 }), bucket).ok).toBe(false);
    expect(allowedMatchesTheory(result({ '200': 686, '429': 9000 }), bucket).ok).toBe(false);
  });

  it('fails on any 5xx, in the warm-up too', () => {
    expect(noServerErrors(result({ '200': 700 })).ok).toBe(true);
    expect(noServerErrors(result({ '200': 700, '503': 1 })).ok).toBe(false);
    expect(noServerErrors(result({ '200': 700 }, {}, phase({ '502': 1 }))).ok).toBe(false);
  });

  it('fails on statuses other than 200 and 429, and on unanswered requests', () => {
    expect(onlyExpectedAnswers(result({ '200': 700, '429': 5 })).ok).toBe(true);
    expect(onlyExpectedAnswers(result({ '200': 700, '401': 5 })).ok).toBe(false);
    expect(onlyExpectedAnswers(result({ '200': 700 }, { transportErrors: 1 })).ok).toBe(false);
  });

  it('fails RSS that keeps growing after warm-up, not RSS that settles', () => {
    const settling = Array.from({ length: 60 }, (_, s) =>
      memory(s * 1000, s < 10 ? 100 + s * 10 : 190 + (s % 3), 30),
    );
    const leaking = Array.from({ length: 60 }, (_, s) => memory(s * 1000, 100 + s * 3, 30));

    expect(rssFlat(settling, 10_000, 64 * MB).ok).toBe(true);
    expect(rssFlat(leaking, 10_000, 64 * MB).ok).toBe(false);
  });

  it('fails a collected heap that grows between the first and last full GC', () => {
    expect(
      heapFlat([memory(10_000, 150, 30, true), memory(60_000, 150, 31, true)], 16 * MB).ok,
    ).toBe(true);
    expect(
      heapFlat([memory(10_000, 150, 30, true), memory(60_000, 150, 60, true)], 16 * MB).ok,
    ).toBe(false);
    expect(heapFlat([memory(60_000, 150, 30, true)], 16 * MB).ok).toBe(false);
  });
});
