import { RotatingSecret } from '../../../functions/gateway/secrets/rotating-secret';

/** A secret whose store holds `stored`, read through a counter, on a clock the test moves. */
const rig = (maxAgeMs = 1000) => {
  const state = { now: 0, stored: 'first', reads: 0, fail: false, errors: [] as unknown[] };
  const secret = new RotatingSecret({
    initial: 'first',
    read: async () => {
      state.reads += 1;
      if (state.fail) throw new Error('Secrets Manager is down');
      return state.stored;
    },
    parse: (text) => {
      if (text === 'bad') throw new Error('refused value');
      return text;
    },
    maxAgeMs,
    onError: (error) => state.errors.push(error),
    now: () => state.now,
  });
  return { state, secret };
};

describe('Secrets: RotatingSecret', () => {
  it('costs nothing while fresh, and reads once the max age has passed', async () => {
    const { state, secret } = rig();
    state.stored = 'second';
    state.now = 999;

    expect(secret.refresh()).toBeUndefined();
    expect(secret.value).toBe('first');
    expect(state.reads).toBe(0);

    state.now = 1000;
    await secret.refresh();
    expect(secret.value).toBe('second');
    expect(state.reads).toBe(1);
    expect(secret.refresh()).toBeUndefined();
  });

  it('shares one read among the requests that find the value stale together', async () => {
    const { state, secret } = rig();
    state.stored = 'second';
    state.now = 5000;

    const first = secret.refresh();
    const second = secret.refresh();
    await Promise.all([first, second]);

    expect(first).toBe(second);
    expect(state.reads).toBe(1);
    expect(secret.value).toBe('second');
  });

  it('keeps the last good value when a read fails or a value is refused, and tries again one age later', async () => {
    const { state, secret } = rig();
    state.now = 1000;
    state.fail = true;
    await expect(secret.refresh()).resolves.toBeUndefined();
    expect(secret.value).toBe('first');

    state.fail = false;
    state.stored = 'bad';
    state.now = 1500;
    expect(secret.refresh()).toBeUndefined(); // the failed read counts as a read
    state.now = 2000;
    await secret.refresh();
    expect(secret.value).toBe('first');
    expect(state.errors.map((error) => (error as Error).message)).toEqual([
      'Secrets Manager is down',
      'refused value',
    ]);

    state.stored = 'third';
    state.now = 3000;
    await secret.refresh();
    expect(secret.value).toBe('third');
  });
});
