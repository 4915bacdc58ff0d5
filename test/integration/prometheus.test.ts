import { Metrics } from '@aws-lambda-powertools/metrics';
import { prometheusMetrics } from '../../dev/prometheus-metrics';
import { emfMetrics } from '../../functions/gateway/observability/emf-metrics';
import { fanOutMetrics } from '../../functions/gateway/observability/gateway-metrics';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { configFrom } from '../helpers/test-gateway';

describe('Integration: Prometheus /metrics on the local server', () => {
  const server = useGatewayServer(async () => {
    const metrics = new Metrics({ namespace: 'Gateway', serviceName: 'gateway' });
    const prometheus = prometheusMetrics();
    return {
      parts: {
        config: configFrom(`
routes:
  - { id: open, path: /open, methods: [GET], upstream: "http://svc", auth_required: false, rate_limit: { capacity: 1, refill_per_second: 0.01, scope: ip } }
  - { id: closed, path: /closed, methods: [GET], upstream: "http://svc" }
`),
        metrics,
        gatewayMetrics: fanOutMetrics(emfMetrics(metrics), prometheus.metrics),
      },
      localRoute: async (request, response) => {
        if (request.url !== '/metrics') return false;
        response
          .writeHead(200, { 'content-type': prometheus.registry.contentType })
          .end(await prometheus.registry.metrics());
        return true;
      },
    };
  });

  it('exposes the same counters as the EMF metrics, in Prometheus text format', async () => {
    await send(server.url, { path: '/open' });
    await send(server.url, { path: '/open' }); // 429
    await send(server.url, { path: '/closed' }); // 401

    const response = await send(server.url, { path: '/metrics' });
    const text = response.body.toString();

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(text).toContain('gateway_requests_total{route="open",status_class="2xx"} 1');
    expect(text).toContain('gateway_requests_total{route="open",status_class="4xx"} 1');
    expect(text).toContain('gateway_rate_limited_total{route="open"} 1');
    expect(text).toContain('gateway_auth_failures_total{reason="no_session_store"} 1');
    expect(text).toMatch(/gateway_request_duration_milliseconds_count\{route="closed"\} 1/);
    expect(text).toContain('gateway_cold_starts_total 1');
  });
});
