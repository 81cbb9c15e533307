/**
 * The real senders, not hand-written payloads: Debian's Prometheus 2.42 evaluates a rule on a gauge this test
 * sets and sends to an Alertmanager 0.25 HA pair, whose webhook receiver is Marshal's intake with a bearer token.
 * While the alert fires both Alertmanagers repeat it; then the gauge recovers and they send the resolution.
 * Marshal must make one incident of it, with one timeline event per change of the alert's state (not one per
 * delivery), count every delivery, and keep the rule's runbook link and Prometheus's generatorURL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionPrometheusBinaries } from '../support/debian-binaries';
import { startAlertmanagerPair, startGauge, startPrometheus, scrapeCounter, type Daemon } from '../support/prometheus-stack';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import { until } from '../support/wait';
import { policyDirWith, runId } from './support';

const TOKEN = 'real-alertmanager-token';
process.env.TEST_INTAKE_REAL_AM_TOKEN = TOKEN;
const RUN = runId();
const RUNBOOK = 'https://runbooks.example.com/checkout/errors';
/** Deliveries to wait for before recovery: the first notification and repeats (repeat_interval 4s) from the pair. */
const FIRING_DELIVERIES = 5;

let stack: TestStack;
let alertmanagers: { members: Daemon[]; stop: () => Promise<void> } | undefined;
let prometheus: Daemon | undefined;
let gauge: Awaited<ReturnType<typeof startGauge>> | undefined;

async function stopSenders() {
  await prometheus?.stop();
  await alertmanagers?.stop();
  await gauge?.close();
}

beforeAll(async () => {
  const binaries = provisionPrometheusBinaries();
  stack = await startTestStack({ policy: { kind: 'directory', dir: policyDirWith('  alertmanager: { tokenEnv: TEST_INTAKE_REAL_AM_TOKEN }\n') } });
  try {
    gauge = await startGauge('checkout_error_ratio', { service: 'checkout', run: RUN }, 0.072);
    alertmanagers = await startAlertmanagerPair({
      binary: binaries.alertmanager,
      webhookUrl: `${stack.url}/api/v1/webhooks/alertmanager`,
      bearerToken: TOKEN,
      // `run` keeps this file's alert group apart from any other test's on the shared Temporal server.
      groupBy: ['alertname', 'service', 'run'],
      groupWait: '1s',
      groupInterval: '2s',
      repeatInterval: '4s',
    });
    prometheus = await startPrometheus({
      binary: binaries.prometheus,
      scrapeTarget: gauge.target,
      alertmanagers: alertmanagers.members,
      interval: '1s',
      rules: [
        {
          alert: 'CheckoutErrorRate',
          expr: `checkout_error_ratio{run="${RUN}"} > 0.05`,
          for: '0s',
          labels: { severity: 'critical' },
          annotations: { summary: 'Checkout error rate above 5%', description: 'error ratio is {{ $value }}', runbook_url: RUNBOOK },
        },
      ],
    });
  } catch (error) {
    await stopSenders();
    throw error;
  }
}, 180_000);

afterAll(async () => {
  await stopSenders();
  await stack?.stop();
});

describe('a real Alertmanager HA pair fed by a real Prometheus', () => {
  it('firing, repeating and resolving leaves one incident with one timeline event per state change and the runbook link', async () => {
    const api = apiClient(stack.url, stack.token);
    const ours = async () => (await api.get('/api/v1/incidents?service=checkout-api&limit=1000')).body.incidents as any[];
    const [summary] = await until(
      'an incident from the Alertmanagers',
      async () => {
        const listed = await ours();
        return listed.length > 0 && listed;
      },
      60_000,
      500,
    );
    const incident = async () => (await api.get(`/api/v1/incidents/${summary.id}`)).body;

    // Let the pair repeat the firing alert a few times before it recovers.
    const firing = await until(
      `${FIRING_DELIVERIES} deliveries of the firing alert`,
      async () => {
        const body = await incident();
        return body.alerts[0]?.deliveries >= FIRING_DELIVERIES && body;
      },
      90_000,
      500,
    );
    expect(firing.alerts).toHaveLength(1);
    expect(firing.alerts[0].status).toBe('firing');
    expect(firing.timeline.filter((event: any) => event.type === 'alert')).toHaveLength(1);

    gauge!.set(0.01);
    const recovered = await until(
      'the resolution from the Alertmanagers',
      async () => {
        const body = await incident();
        return body.alerts[0].status === 'resolved' && body;
      },
      60_000,
      500,
    );

    // Every notification either Alertmanager sent (by its own count of successful webhook notifications, HA
    // duplicates included) reached the alert record, which counts deliveries.
    const sent = () =>
      Promise.all(
        alertmanagers!.members.map(
          async (member) =>
            (await scrapeCounter(member.url, 'alertmanager_notifications_total', 'integration="webhook"')) -
            (await scrapeCounter(member.url, 'alertmanager_notifications_failed_total', 'integration="webhook"')),
        ),
      );
    const settled = await until(
      'the alert record to count every notification the pair sent',
      async () => {
        const [counts, body] = await Promise.all([sent(), incident()]);
        return counts[0] + counts[1] === body.alerts[0].deliveries && { counts, body };
      },
      30_000,
      500,
    );
    console.log(
      `real Alertmanager pair: ${settled.counts.join(' + ')} notifications from the two members, ` +
        `${firing.alerts[0].deliveries} deliveries while firing, ${settled.body.alerts[0].deliveries} in all`,
    );

    expect(await ours()).toHaveLength(1);
    const alert = settled.body.alerts[0];
    expect(alert.labels).toMatchObject({ alertname: 'CheckoutErrorRate', service: 'checkout', severity: 'critical', run: RUN });
    expect(alert.annotations).toMatchObject({ summary: 'Checkout error rate above 5%', runbook_url: RUNBOOK });
    expect(alert.annotations.generatorURL).toMatch(new RegExp(`^${prometheus!.url}/graph\\?g0\\.expr=`));
    expect(settled.body).toMatchObject({ service: 'checkout-api', team: 'payments', severity: 'SEV2' });

    // One `alert` event per change of state: firing once, resolved once, however many deliveries.
    const alertEvents = settled.body.timeline.filter((event: any) => event.type === 'alert');
    expect(alertEvents.map((event: any) => event.status)).toEqual(['firing', 'resolved']);
    expect(settled.body.alerts[0].deliveries).toBeGreaterThan(2);
    expect(recovered.timeline.some((event: any) => event.type === 'monitor-recovered')).toBe(true);
  });
});
