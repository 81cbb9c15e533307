/**
 * Grafana's contact point "Test" button sends one made-up alert through the real webhook: labels
 * alertname=TestAlert and instance=Grafana, annotation summary "Notification test" (grafana/alerting,
 * notify/receivers.go newTestAlert; the person testing may add labels and annotations over these). It proves
 * the contact point reaches Marshal and authenticates; it must not open an incident or page anyone.
 */
interface PrometheusLikeMessage {
  alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[];
}

const isTestAlert = (alert: PrometheusLikeMessage['alerts'][number]) =>
  alert.labels.alertname === 'TestAlert' && (alert.labels.instance === 'Grafana' || alert.annotations?.summary === 'Notification test');

/** Whether a Grafana webhook message is the contact point's test notification (every alert in it is the test alert). */
export function isGrafanaTestNotification(message: PrometheusLikeMessage): boolean {
  return message.alerts.length > 0 && message.alerts.every(isTestAlert);
}
