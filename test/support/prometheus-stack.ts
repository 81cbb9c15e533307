/**
 * The real senders of Alertmanager webhooks, as child processes on 127.0.0.1: an Alertmanager HA pair gossiping
 * with each other, and a Prometheus that scrapes a gauge the test sets, evaluates an alerting rule on it and
 * sends its alerts to both Alertmanagers (as Prometheus does with an HA pair). Intervals are seconds, so a
 * test sees firing, repeats and recovery within a minute. Configuration files are JSON (which is YAML).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './wait';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A child process whose last output is kept, so a failure says what the binary said. */
export interface Daemon {
  name: string;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

function startDaemon(name: string, url: string, binary: string, args: string[]): Daemon {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that ends without its afterAll (a crash, a timeout) must not leave senders behind.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  return {
    name,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function ready(daemon: Daemon): Promise<void> {
  try {
    await until(`${daemon.name} to answer /-/ready`, async () => (await fetch(`${daemon.url}/-/ready`)).ok, 30_000, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${daemon.name} said:\n${daemon.output()}`);
  }
}

export interface AlertmanagerPairOptions {
  binary: string;
  webhookUrl: string;
  bearerToken: string;
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/**
 * Two Alertmanagers in one cluster, each peered with the other, with separate storage. The peer timeout is short
 * so the second in line does not hold its notification back long enough to learn that the first already sent
 * it: duplicates between the pair are what an HA setup under gossip delay delivers, and Marshal must take them.
 */
export async function startAlertmanagerPair(options: AlertmanagerPairOptions): Promise<{ members: Daemon[]; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-alertmanager-'));
  const config = {
    route: {
      receiver: 'marshal',
      group_by: options.groupBy,
      group_wait: options.groupWait,
      group_interval: options.groupInterval,
      repeat_interval: options.repeatInterval,
    },
    receivers: [
      {
        name: 'marshal',
        webhook_configs: [{ url: options.webhookUrl, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: options.bearerToken } } }],
      },
    ],
  };
  writeFileSync(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 1));
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const [web, cluster] = [ports.slice(0, 2), ports.slice(2)];
  const members = [0, 1].map((i) =>
    startDaemon(`alertmanager-${i + 1}`, `http://127.0.0.1:${web[i]}`, options.binary, [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, `data-${i + 1}`)}`,
      `--web.listen-address=127.0.0.1:${web[i]}`,
      `--web.external-url=http://127.0.0.1:${web[i]}`,
      `--cluster.listen-address=127.0.0.1:${cluster[i]}`,
      `--cluster.advertise-address=127.0.0.1:${cluster[i]}`,
      `--cluster.peer=127.0.0.1:${cluster[1 - i]}`,
      '--cluster.peer-timeout=50ms',
      '--log.level=warn',
    ]),
  );
  const stop = async () => {
    await Promise.all(members.map((member) => member.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(members.map(ready));
    return { members, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A /metrics endpoint with one gauge whose value the test sets: what the alerting rule watches. */
export async function startGauge(name: string, labels: Record<string, string>, initial: number) {
  let value = initial;
  const labelText = Object.entries(labels)
    .map(([key, v]) => `${key}="${v}"`)
    .join(',');
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    response.end(`# TYPE ${name} gauge\n${name}{${labelText}} ${value}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (next: number) => {
      value = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface PrometheusOptions {
  binary: string;
  scrapeTarget: string;
  alertmanagers: Daemon[];
  /** One rule group's rules, in Prometheus's rule-file shape. */
  rules: unknown[];
  interval: string;
}

/** Prometheus scraping the target, evaluating the rules and sending alerts to every Alertmanager given. */
export async function startPrometheus(options: PrometheusOptions): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-prometheus-'));
  const rulesFile = join(dir, 'rules.yml');
  writeFileSync(rulesFile, JSON.stringify({ groups: [{ name: 'marshal-test', interval: options.interval, rules: options.rules }] }, null, 1));
  const config = {
    global: { scrape_interval: options.interval, evaluation_interval: options.interval },
    rule_files: [rulesFile],
    scrape_configs: [{ job_name: 'checkout', static_configs: [{ targets: [options.scrapeTarget] }] }],
    alerting: { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers.map((member) => new URL(member.url).host) }] }] },
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 1));
  const port = await freePort();
  const daemon = startDaemon('prometheus', `http://127.0.0.1:${port}`, options.binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=http://127.0.0.1:${port}`,
    // Firing alerts are sent again this often (default 1m), as they would be between evaluations in production.
    `--rules.alert.resend-delay=${options.interval}`,
    '--log.level=warn',
  ]);
  const stop = async () => {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready(daemon);
    return { ...daemon, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The sum of a counter over every series of that name in a Prometheus text exposition. */
export async function scrapeCounter(url: string, name: string, labelMatch = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => line.includes(labelMatch))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}
