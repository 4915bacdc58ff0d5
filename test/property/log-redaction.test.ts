import fc from 'fast-check';
import { answered } from '../helpers/gateway-invariants';
import { credentialHeader, hostileRequest, tokenPlan } from '../helpers/hostile-requests';
import { type PropertyGateway, startPropertyGateway, tokenFor } from '../helpers/property-gateway';
import { PROPERTY_TIMEOUT_MS, propertyParameters } from '../helpers/property-runs';

/** The secret part of a credential value: what must not be readable in a log line. */
const secretParts = (value: string): string[] => {
  const parts = [value, value.replace(/^(?:Bearer|Basic)\s+/i, '').replace(/=+$/, '')];
  return parts.filter((part) => part.length >= 12);
};

/** Any request, plus credential-like headers and a session cookie. */
const withCredentials = fc.tuple(
  hostileRequest,
  fc.array(credentialHeader, { minLength: 1, maxLength: 4 }),
  tokenPlan,
);

describe('Property: no credential a client sends reaches a log line, at debug level', () => {
  let gateway: PropertyGateway;

  beforeAll(async () => {
    gateway = await startPropertyGateway();
  });
  afterAll(() => gateway?.close());

  it(
    'keeps credential-like headers (built-in and logging.redact_headers patterns) and session cookies out of the logs',
    () =>
      fc.assert(
        fc.asyncProperty(withCredentials, async ([request, credentials, plan]) => {
          gateway.renewPool();
          const exchange = await gateway.exchange({
            ...request,
            headers: [...request.headers, ...credentials],
            cookies: [[{ name: 'session_token', value: { token: plan } }], ...request.cookies],
          });
          const problem = answered(exchange);
          if (problem) throw new Error(problem);
          if (!exchange.logs.includes('"message":"request"'))
            throw new Error('no access log line was written');
          const token = tokenFor(plan);
          const secrets = [
            ...credentials.flatMap(([, value]) => secretParts(value)),
            ...secretParts(token),
            ...secretParts(token.replaceAll('"', '').split('.')[0] ?? ''),
          ];
          const leaked = secrets.filter((secret) => exchange.logs.includes(secret));
          if (leaked.length > 0) {
            const line =
              exchange.logs.split('\n').find((l) => leaked.some((s) => l.includes(s))) ?? '';
            throw new Error(
              `a log line carries a credential (${leaked.length}): ${line.replaceAll(leaked[0] ?? '', '<LEAKED>').slice(0, 300)}`,
            );
          }
        }),
        propertyParameters(),
      ),
    PROPERTY_TIMEOUT_MS,
  );
});
