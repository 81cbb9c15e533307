/**
 * A broken policy commit lands while incidents escalate: Marshal refuses it (recorded as rejected), the
 * last good version keeps running, and nothing running changes — every incident keeps its policy version
 * and snapshot, receives no policy signal, and its chain keeps paging on the old timeouts.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { startWebhookReceiver } from '../channels/receivers';
import { apiClient, startTestStack } from '../support/stack';
import { faultPolicyDir, pagesFor, sleep, until, verdict } from './support';

it('refuses a broken policy commit while incidents run; nothing running changes', async () => {
  const hooks = await startWebhookReceiver();
  const repo = mkdtempSync(join(tmpdir(), 'marshal-fault-policy-repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { encoding: 'utf8' }).trim();
  cpSync(faultPolicyDir(hooks.url, '4s'), join(repo, 'config'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'good policy');
  const good = git('rev-parse', 'HEAD');
  const stack = await startTestStack({ policy: { kind: 'git', repo, ref: 'main', path: 'config' }, policyIntervalMs: 500 });
  try {
    const client = apiClient(stack.url, stack.token);
    const ids: string[] = [];
    for (const service of ['api-gateway', 'checkout-api', 'web-frontend'])
      ids.push((await client.post<IncidentView>('/api/v1/incidents', { title: `Policy fault ${service}`, severity: 'SEV2', service })).body.id);
    await until('a first page for every incident', () => ids.every((id) => pagesFor(hooks.received, id) >= 1), 30_000);
    const before = await Promise.all(ids.map(async (id) => (await client.get<IncidentView>(`/api/v1/incidents/${id}`)).body));

    // The broken commit: a rotation names a person nobody defined, and the SEV2 timeout changes (so applying it would show).
    const severities = join(repo, 'config', 'severities.yaml');
    writeFileSync(severities, readFileSync(severities, 'utf8').replace(/acknowledgementTimeout: 4s/g, 'acknowledgementTimeout: 2h'));
    const platform = join(repo, 'config', 'teams', 'platform.yaml');
    writeFileSync(platform, readFileSync(platform, 'utf8').replace(/participants: \[ ?(\w+),/, 'participants: [zed-nobody,'));
    git('commit', '-qam', 'broken policy');
    const broken = git('rev-parse', 'HEAD');
    if (!readFileSync(platform, 'utf8').includes('zed-nobody')) throw new Error('the broken edit did not apply to platform.yaml');
    const reload = await client.post('/api/v1/policies/reload', {});
    // Several follower intervals pass while the chains go on.
    await sleep(3_000);
    await until('a third page for every incident', () => ids.every((id) => pagesFor(hooks.received, id) >= 3), 40_000);
    const current = (await client.get('/api/v1/policies/current')).body;
    const history = (await client.get('/api/v1/policies/history')).body.history as { version: string; outcome: string }[];
    const after = await Promise.all(ids.map(async (id) => (await client.get<IncidentView>(`/api/v1/incidents/${id}`)).body));
    for (const id of ids) await client.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'judy' });

    const unchanged = after.filter((state, i) => state.policyVersion === before[i].policyVersion && JSON.stringify(state.policy) === JSON.stringify(before[i].policy));
    const signalled = after.filter((state) => state.timeline.some((event) => event.type === 'policy-applied'));
    verdict(
      'broken policy commit while incidents run',
      {
        incidents: ids.length,
        reloadOutcome: reload.body.outcome,
        problems: reload.body.errors?.length,
        active: current.version === good ? 'last good' : current.version,
        incidentsUnchanged: unchanged.length,
        incidentsSignalled: signalled.length,
        pagesAfterBrokenCommit: after.reduce((sum, state, i) => sum + state.pages.length - before[i].pages.length, 0),
      },
      [
        ['the reload refuses the commit', reload.body.outcome === 'rejected' && reload.body.version === broken && reload.body.active === good],
        ['the history records it as rejected', history.some((entry) => entry.version === broken && entry.outcome === 'rejected')],
        ['the last good version stays active', current.version === good],
        ['every incident keeps its policy version and snapshot', unchanged.length === ids.length && before.every((state) => state.policyVersion === good)],
        ['no incident was signalled a new policy', signalled.length === 0],
        ['chains kept paging on the old timeouts', after.every((state) => state.timeline.filter((event) => event.type === 'escalation-step').length >= 3)],
      ],
    );
  } finally {
    await stack.stop();
    await hooks.close();
  }
}, 180_000);
