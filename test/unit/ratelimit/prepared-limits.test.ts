import { bucketShape } from '../../../functions/gateway/ratelimit/bucket-shape';
import { RouteTable } from '../../../functions/gateway/routing/route-table';
import { configFrom } from '../../helpers/test-gateway';

const config = configFrom(`
default_rate_limit: { capacity: 50, refill_per_second: 5 }
routes:
  - { id: own, path: "/own/*", methods: [GET], upstream: "http://svc.internal", auth_required: false, rate_limit: { capacity: 10, refill_per_second: 2, cost: 2 } }
  - { id: fallback, path: "/fallback/*", methods: [GET], upstream: "http://svc.internal", auth_required: false }
  - { id: off, path: "/off/*", methods: [GET], upstream: "http://svc.internal", auth_required: false, rate_limit: false }
  - id: two
    path: "/two/*"
    methods: [GET]
    upstream: "http://svc.internal"
    auth_required: false
    rate_limit:
      - { capacity: 10, refill_per_second: 1, on_error: fail_closed }
      - { capacity: 100, refill_per_second: 10 }
      - { capacity: 5, refill_per_second: 1, mode: shadow }
`);

describe('Rate limits compiled with the route table', () => {
  const table = new RouteTable(config.routes, { defaultLimit: config.default_rate_limit });
  const route = (id: string) => {
    const found = table.routes.find((r) => r.id === id);
    if (!found) throw new Error(`no route ${id}`);
    return found;
  };

  it("gives each route its own limit, else the table's default, else none", () => {
    expect(route('own').limits.limits.map((l) => l.spec.capacity)).toEqual([10]);
    expect(route('fallback').limits.limits.map((l) => l.spec.capacity)).toEqual([50]);
    expect(route('off').limits.limits).toEqual([]);
  });

  it('carries each bucket with its shape and the headers that do not change between requests', () => {
    const [own] = route('own').limits.limits;

    expect(own?.spec.shape).toEqual(bucketShape({ capacity: 10, refillPerSecond: 2, cost: 2 }));
    expect(own?.headers).toEqual({ 'ratelimit-limit': '10', 'ratelimit-policy': '10;w=5' });
  });

  it('lists every enforced policy on a route with several limits, and fails closed if one says so', () => {
    const two = route('two').limits;

    expect(two.failClosed).toBe(true);
    expect(two.limits.map((l) => l.shadow)).toEqual([false, false, true]);
    expect(two.limits[0]?.headers['ratelimit-policy']).toBe('10;w=10, 100;w=10');
    expect(route('own').limits.failClosed).toBe(false);
  });
});
