import { processCpuMicros } from '../../../bench/suite/process-cpu';

describe('bench: processCpuMicros', () => {
  it("reads a process's CPU time from /proc, which grows while it computes", () => {
    const before = processCpuMicros(process.pid);
    expect(before).toEqual(expect.any(Number));
    const until = performance.now() + 100;
    let spin = 0;
    while (performance.now() < until) spin += 1;
    expect(spin).toBeGreaterThan(0);

    // 100 ms of computing, counted in 10 ms ticks: at least half of it shows.
    expect((processCpuMicros(process.pid) as number) - (before as number)).toBeGreaterThanOrEqual(
      50_000,
    );
  });

  it('says undefined for a process that does not exist', () => {
    expect(processCpuMicros(2 ** 30)).toBeUndefined();
    expect(processCpuMicros(undefined)).toBeUndefined();
  });
});
