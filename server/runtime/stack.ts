/**
 * The whole service in one call: policy, Temporal (embedded or external), worker, HTTP. `npm start`,
 * the end-to-end tests and the benchmarks all start Marshal through here, so they test what ships.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import { isGitRepository, repositoryRoot } from '../../policy/io/git';
import { createApp } from '../app';
import { Incidents } from '../../engine/incidents';
import { listen, tlsFromEnv, trustProxyFromEnv, type TlsFiles, type TrustProxy } from './listen';
import { createLogger, type Logger } from './log';
import { createMetrics } from './metrics';
import { createIncidentMetrics } from './incident-metrics';
import { Overrides } from '../../engine/overrides';
import { describeSource, PolicyFollower, readPolicy, type PolicySource } from './policy-follower';
import { PolicyStore } from './policy-store';
import { ChannelHealth } from './channel-health';
import { externalTarget, type TemporalTarget } from '../../engine/connection';
import { startDevServer, type DevServer } from './dev-server';
import { EngineWatch } from '../../engine/engine-watch';
import { registerSearchAttributes } from '../../engine/search-attributes';
import { createWorker, DEFAULT_WORKER_CACHE, installRuntimeLogging } from './worker';
import { combinedHealth, superviseWorker, type SupervisedWorker, type WorkerHealth } from './worker-supervisor';
import { storeTaskQueue, TASK_QUEUE } from '../../workflows/queues';
import { startOnCallNotices } from '../../engine/oncall-notices';
import { AlertGroups } from '../../engine/alert-groups';
import { Admission, DEFAULT_ADMISSION, type AdmissionOptions } from '../../engine/admission';
import { timelinesFromTemporal } from '../../engine/timeline-history';
import { createTimelineArchiveActivities } from '../../activities/timeline-archive';
import { openStore, type Store } from '../../store';
import type { RebuildReport } from '../../store/rebuild';
import { createOnCallNoticeActivities } from '../../activities/oncall-notices';
import { createPagingActivities } from '../../activities/paging';
import { createIntakeActivities } from '../../activities/intake';
import { createIntakeMetrics } from '../intake/metrics';
import { Intake } from '../intake/service';
import { oidcFromEnv, type OidcSettings } from '../web/oidc';
import { linkSecret } from './link-secret';

export interface StackConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Where policies come from: a git repository and ref (GitOps), or a plain directory. */
  policy: PolicySource;
  /** How often to look for a new policy version. */
  policyIntervalMs?: number;
  token?: string;
  /** Signs the Acknowledge links in pages (MARSHAL_LINK_SECRET); absent, one saved in the data dir. */
  linkSecret?: string;
  /** Console sign-in through an identity provider (MARSHAL_OIDC_*); absent, the admin token signs in. */
  oidc?: OidcSettings;
  /** An existing cluster; without it the embedded dev server starts. */
  temporal?: TemporalTarget;
  temporalPort?: number;
  temporalUiPort?: number;
  /** No Temporal web UI (tests). */
  headless?: boolean;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Run no worker in this process (a separate worker process serves the task queue). */
  noWorker?: boolean;
  /** Run no HTTP server: a worker process only (`npm run worker`). */
  noHttp?: boolean;
  historyLimit?: number;
  /** The task queue this stack's worker serves and its workflows run on (default `marshal`). */
  taskQueue?: string;
  /** Base URL people follow from notifications (default: the HTTP address). */
  publicUrl?: string;
  logger?: Logger;
  /**
   * Called once if the worker stops on a fatal error (paging has stopped). `npm start` and `npm run worker`
   * exit then, so a supervisor restarts them; the embedded stack never keeps serving with a dead worker.
   */
  onWorkerFailure?: (error: unknown) => void;
  /** A PostgreSQL server for the store (MARSHAL_DATABASE_URL); without it, the embedded one in the data dir. */
  databaseUrl?: string;
  /** An initialised embedded store to copy on first start (tests make one once and share it). */
  storeTemplate?: string;
  /** Serve HTTPS with this certificate and key (MARSHAL_TLS_CERT, MARSHAL_TLS_KEY). */
  tls?: TlsFiles;
  /** Whose X-Forwarded-* headers to believe (MARSHAL_TRUST_PROXY); default none. */
  trustProxy?: TrustProxy;
  /** Engine writes in flight at once, and how long a caller may wait for one (MARSHAL_ADMISSION_LIMIT, MARSHAL_ADMISSION_WAIT_MS). */
  admission?: AdmissionOptions;
  /** Incidents the worker keeps in memory (MARSHAL_WORKER_CACHE); default DEFAULT_WORKER_CACHE. */
  workerCache?: number;
}

function positiveWhole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${env[name]}"`);
  return value;
}

function positiveSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of seconds, not "${env[name]}"`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const port = Number(env.MARSHAL_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`MARSHAL_PORT must be a port number, not "${env.MARSHAL_PORT}"`);
  return {
    port,
    host: env.MARSHAL_HOST ?? '127.0.0.1',
    dataDir: resolve(env.MARSHAL_DATA_DIR ?? 'data'),
    policy: policySourceFromEnv(env),
    policyIntervalMs: positiveSeconds(env, 'MARSHAL_POLICY_INTERVAL_SECONDS', 30) * 1000,
    taskQueue: env.MARSHAL_TASK_QUEUE || undefined,
    publicUrl: env.MARSHAL_PUBLIC_URL || undefined,
    token: env.MARSHAL_TOKEN || undefined,
    linkSecret: env.MARSHAL_LINK_SECRET || undefined,
    oidc: oidcFromEnv(env),
    databaseUrl: env.MARSHAL_DATABASE_URL || undefined,
    temporal: externalTarget(env),
    temporalPort: env.MARSHAL_TEMPORAL_PORT ? Number(env.MARSHAL_TEMPORAL_PORT) : 7233,
    temporalUiPort: env.MARSHAL_TEMPORAL_UI_PORT ? Number(env.MARSHAL_TEMPORAL_UI_PORT) : 8233,
    tls: tlsFromEnv(env),
    trustProxy: trustProxyFromEnv(env),
    admission: {
      limit: positiveWhole(env, 'MARSHAL_ADMISSION_LIMIT', DEFAULT_ADMISSION.limit),
      maxWaitMs: positiveWhole(env, 'MARSHAL_ADMISSION_WAIT_MS', DEFAULT_ADMISSION.maxWaitMs),
    },
    workerCache: positiveWhole(env, 'MARSHAL_WORKER_CACHE', DEFAULT_WORKER_CACHE),
  };
}

/**
 * MARSHAL_POLICY_DIR names a plain directory. Otherwise Marshal follows a git repository (MARSHAL_POLICY_REPO,
 * default the repository it runs in) at MARSHAL_POLICY_REF (default HEAD): only committed policy counts.
 */
export function policySourceFromEnv(env: NodeJS.ProcessEnv): PolicySource {
  if (env.MARSHAL_POLICY_DIR) return { kind: 'directory', dir: resolve(env.MARSHAL_POLICY_DIR) };
  const repo = resolve(env.MARSHAL_POLICY_REPO ?? '.');
  if (!isGitRepository(repo)) {
    if (env.MARSHAL_POLICY_REPO) throw new Error(`MARSHAL_POLICY_REPO=${env.MARSHAL_POLICY_REPO} is not a git repository`);
    return { kind: 'directory', dir: resolve('config') };
  }
  return { kind: 'git', repo: repositoryRoot(repo), ref: env.MARSHAL_POLICY_REF || 'HEAD', path: env.MARSHAL_POLICY_PATH || 'config' };
}

/** Where the admin token came from: only a token created by this start is printed in full. */
export type AdminTokenOrigin = { kind: 'environment' } | { kind: 'created' | 'saved'; path: string };

/** The admin token: from the environment, else the one saved in the data dir, else a new one saved there. */
export function adminToken(dataDir: string, fromEnv?: string): { token: string; origin: AdminTokenOrigin } {
  if (fromEnv) return { token: fromEnv, origin: { kind: 'environment' } };
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) return { token: readFileSync(path, 'utf8').trim(), origin: { kind: 'saved', path } };
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, origin: { kind: 'created', path } };
}

export interface Stack {
  url: string;
  token: string;
  tokenOrigin: AdminTokenOrigin;
  temporalAddress: string;
  temporalUiUrl?: string;
  client: Client;
  policies: PolicyStore;
  incidents: Incidents;
  follower: PolicyFollower;
  taskQueue: string;
  /** The store, where this process holds it (every process that serves HTTP). */
  store?: Store;
  workerHealth(): WorkerHealth;
  stop(): Promise<void>;
}

export async function startStack(config: StackConfig): Promise<Stack> {
  const logger = config.logger ?? createLogger();
  const { result: loaded } = readPolicy(config.policy);
  if (!loaded.ok) {
    const lines = loaded.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    throw new Error(`the policy in ${describeSource(config.policy)} is invalid:\n${lines.join('\n')}`);
  }
  const policies = new PolicyStore(loaded.policy, describeSource(config.policy));
  const { token, origin: tokenOrigin } = adminToken(config.dataDir, config.token);
  const secretForLinks = linkSecret(config.dataDir, config.linkSecret);
  if (config.noHttp && !config.linkSecret) {
    // A worker alone signs pages' Acknowledge links; the HTTP process verifies them with its own secret.
    logger.warn(
      { linkSecretFile: join(config.dataDir, 'link-secret') },
      'MARSHAL_LINK_SECRET is not set: this worker signs Acknowledge links with the secret in its own data dir, which the HTTP process refuses unless it shares that dir; set MARSHAL_LINK_SECRET alike on every Marshal process',
    );
  }

  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.splice(0).reverse()) {
      await stopOne().catch((error) => logger.warn({ err: error }, 'error while stopping'));
    }
  };
  try {
    let devServer: DevServer | undefined;
    let target = config.temporal;
    if (!target) {
      devServer = await startDevServer({ dataDir: config.dataDir, port: config.temporalPort, uiPort: config.temporalUiPort, headless: config.headless });
      stoppers.push(() => devServer!.stop());
      target = { address: devServer.address, namespace: 'default' };
    }
    const connection = await Connection.connect({ address: target.address, tls: target.tls, apiKey: target.apiKey });
    stoppers.push(() => connection.close());
    const client = new Client({ connection, namespace: target.namespace });
    if (!devServer) {
      // A self-hosted cluster may not know Marshal's attributes yet; Temporal Cloud registers them in its console.
      await registerSearchAttributes(connection, target.namespace).catch((error) =>
        logger.warn({ err: error }, 'could not register search attributes; register MarshalSeverity, MarshalTeam, MarshalService, MarshalPhase and MarshalStatus (Keyword) on the namespace'),
      );
    }

    const taskQueue = config.taskQueue ?? TASK_QUEUE;
    // The store lives with the HTTP server, which reads incidents' archived timelines from it.
    let store: Store | undefined;
    const metrics = createMetrics();
    const incidentMetrics = createIncidentMetrics(metrics.registry, async () => (store ? store.insight.openIncidents() : []));
    if (!config.noHttp) {
      const opened = await openStore({ url: config.databaseUrl, dir: join(config.dataDir, 'store'), template: config.storeTemplate }, () => policies.current, incidentMetrics.observe);
      store = opened;
      stoppers.push(() => opened.close());
    }
    const overrides = new Overrides(client, config.taskQueue);
    // Set once this process's worker runs (see Incidents' eagerStarter).
    let eagerStarter: Client | undefined;
    const incidents = new Incidents(client, {
      eagerStarter: () => eagerStarter,
      historyLimit: config.historyLimit,
      taskQueue: config.taskQueue,
      policy: () => policies.current,
      overrides,
      archive: store?.archive,
      admission: new Admission(config.admission ?? DEFAULT_ADMISSION),
    });
    // Who can be paged and on what: said at start, on every new policy, and in /healthz.
    const channelHealth = new ChannelHealth(() => policies.current, { inbox: Boolean(store), logger });
    const follower = new PolicyFollower(
      config.policy,
      policies,
      async () => {
        const { missed } = await incidents.applyPolicy(policies.incidentPolicy());
        if (missed.length > 0) throw new Error(`could not tell incidents ${missed.join(', ')} of the new policy; retrying at the next check`);
        if (!config.noWorker) await startOnCallNotices(client, Object.keys(policies.current.teams), taskQueue);
        void channelHealth.refresh();
      },
      logger,
    );
    follower.start(config.policyIntervalMs ?? 30_000);
    await channelHealth.refresh();
    stoppers.push(async () => follower.stop());
    let publicUrl = '';
    const workers: SupervisedWorker[] = [];
    if (!config.noWorker || store) installRuntimeLogging(logger);
    const workerHealth = (): WorkerHealth => combinedHealth(workers.map((worker) => worker.health()));
    if (!config.noWorker) {
      const activities = {
        // The console inbox is written where the store is; a worker without it reports the inbox as failed.
        ...createPagingActivities({ policies, overrides, client, publicUrl: () => publicUrl, linkSecret: secretForLinks, inbox: store?.inbox }),
        ...createIntakeActivities(client),
        ...createOnCallNoticeActivities({ policies, overrides, inbox: store?.inbox }),
      };
      const { worker, connection: workerConnection } = await createWorker({ target, workflowBundle: config.workflowBundle, taskQueue, activities, cache: config.workerCache });
      workers.push(superviseWorker('incidents', worker, workerConnection, logger, config.onWorkerFailure));
      eagerStarter = new Client({ connection: workerConnection, namespace: target.namespace });
      stoppers.push(() => workers[0].stop());
      await startOnCallNotices(client, Object.keys(policies.current.teams), taskQueue);
    }
    if (store) {
      // The store's own queue: archiving runs where the store is, whichever worker runs the incident.
      const { worker, connection: storeConnection } = await createWorker({
        target,
        taskQueue: storeTaskQueue(taskQueue),
        activities: createTimelineArchiveActivities(store.archive),
        activitiesOnly: true,
      });
      const supervised = superviseWorker('store', worker, storeConnection, logger, config.onWorkerFailure);
      workers.push(supervised);
      stoppers.push(() => supervised.stop());
    }

    if (config.noHttp) {
      publicUrl = config.publicUrl ?? '';
      return { url: '', token, tokenOrigin, temporalAddress: target.address, temporalUiUrl: devServer?.uiUrl, client, policies, incidents, follower, taskQueue: taskQueue, workerHealth, stop };
    }
    const engineWatch = new EngineWatch(target.address);
    engineWatch.start();
    stoppers.push(async () => engineWatch.stop());
    const intake = new Intake(new AlertGroups(client, config.taskQueue), incidents, policies, createIntakeMetrics(metrics.registry), logger, process.env, { watch: engineWatch });
    // One rebuild at a time: a second request while one runs shares its answer. Stopping Marshal ends a
    // rebuild at the next incident, before the store and the connection it reads from close.
    let rebuilding: Promise<RebuildReport> | undefined;
    const stopRebuilding = new AbortController();
    const rebuildProjection =
      store && (() => (rebuilding ??= store.rebuild(timelinesFromTemporal(client, taskQueue, stopRebuilding.signal), stopRebuilding.signal).finally(() => (rebuilding = undefined))));
    stoppers.push(async () => {
      stopRebuilding.abort();
      await rebuilding?.catch(() => undefined);
    });
    const app = createApp({
      client,
      incidents,
      overrides,
      policies,
      follower,
      metrics,
      logger,
      token,
      intake,
      workerHealth,
      channels: () => channelHealth.view(),
      trustProxy: config.trustProxy,
      insight: store?.insight,
      rebuildProjection,
      tokens: store?.tokens,
      audit: store?.audit,
      consoleSessions: store?.sessions,
      inbox: store?.inbox,
      oidc: config.oidc,
      signInLinks: store?.signInLinks,
      cliLogins: store?.cliLogins,
      linkSecret: secretForLinks,
      usedLinks: store?.usedLinks,
    });
    const server = await listen(app, { port: config.port, host: config.host, tls: config.tls });
    stoppers.push(
      () =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    );
    const { port } = server.address() as AddressInfo;
    const url = `${config.tls ? 'https' : 'http'}://${config.host}:${port}`;
    publicUrl = config.publicUrl ?? url;
    // Integrations that promise heartbeats are watched from start, so a sender that never pings is noticed too.
    await intake.armHeartbeats().catch((error) => logger.warn({ err: error }, 'could not arm intake heartbeats; they arm on the first ping'));
    // A new or deleted store is filled again from Temporal, in the background: incidents work meanwhile.
    if (rebuildProjection && (await store!.isEmpty())) {
      void rebuildProjection().then(
        (report) => report.incidents > 0 && logger.info(report, 'the store was empty: rebuilt the projection from Temporal'),
        (error) => logger.warn({ err: error }, 'could not rebuild the empty store from Temporal; run `marshal projection rebuild`'),
      );
    }
    return {
      url,
      token,
      tokenOrigin,
      temporalAddress: target.address,
      temporalUiUrl: devServer?.uiUrl,
      client,
      policies,
      incidents,
      follower,
      taskQueue: taskQueue,
      store,
      workerHealth,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
