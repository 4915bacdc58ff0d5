import fc from 'fast-check';
import {
  errorContract,
  type Invariant,
  neverInternalError,
  noGateway5xxWhileHealthy,
  refusedNeverForwarded,
  withinBudget,
} from '../helpers/gateway-invariants';
import { hostileRequest } from '../helpers/hostile-requests';
import { type PropertyGateway, startPropertyGateway } from '../helpers/property-gateway';
import { PROPERTY_TIMEOUT_MS, propertyParameters } from '../helpers/property-runs';

/**
 * The error contract under arbitrary and hostile input (paths, headers, cookies, methods, queries,
 * bodies; Function URL events and odd direct invokes), through the real handler, the real undici
 * upstream and a real loopback server.
 */
describe('Property: the gateway contract holds for any request', () => {
  let gateway: PropertyGateway;

  beforeAll(async () => {
    gateway = await startPropertyGateway();
  });
  afterAll(() => gateway?.close());

  const holds = (invariant: Invariant) =>
    fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => {
        gateway.renewPool();
        const problem = invariant(await gateway.exchange(request));
        if (problem) throw new Error(problem);
      }),
      propertyParameters(),
    );

  it('never answers 500', () => holds(neverInternalError), PROPERTY_TIMEOUT_MS);

  it(
    'never answers 5xx while the upstream and every dependency are healthy',
    () => holds(noGateway5xxWhileHealthy),
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers every error in the JSON contract {error, message, correlation_id, timestamp}',
    () => holds(errorContract),
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never lets a refused request reach the upstream, and sends an accepted one exactly once',
    () => holds(refusedNeverForwarded),
    PROPERTY_TIMEOUT_MS,
  );

  it("answers within the route's budget", () => holds(withinBudget), PROPERTY_TIMEOUT_MS);
});
