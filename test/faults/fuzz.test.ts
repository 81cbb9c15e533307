/**
 * 5,000 fuzzed bodies against the HTTP API and alert intake: wrong types, huge strings, deep nesting, odd
 * unicode (lone surrogates, NUL, RTL marks, invalid UTF-8 bytes), missing and extra fields, malformed JSON,
 * odd content types, and valid bodies with one field mutated. Every answer must be a client answer (2xx
 * when a mutation happens to be valid, else 4xx): never a 5xx, never a dropped connection; /healthz is
 * still ok afterwards. A seeded PRNG makes a failing request reproducible; failures are printed.
 */
import { seededRandom } from '../support/wait';
import { it } from 'vitest';
import { startTestStack } from '../support/stack';
import { until, verdict } from './support';

const REQUESTS = 5_000;
const CONCURRENCY = 12;
const TOKENS = { alertmanager: 'fuzz-am', grafana: 'fuzz-grafana', events: 'fuzz-events' };

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\u202eevil',
  '\ufeffBOM',
  '💥🔥'.repeat(50),
  'Ω≈ç√∫',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '{"a":1}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE incidents; --",
  '%00',
  '\r\n\r\nX-Injected: 1',
  'SEV1',
  'SEV9',
  'open',
  'closed',
  'investigating',
  'commander',
  'platform',
  'firing',
  'resolved',
  'trigger',
  'acknowledge',
  '2026-13-45T25:61:00Z',
  '9999-12-31T23:59:59Z',
  '-1',
  '1e309',
  'ﷺ',
  '\u0301\u0301\u0301',
  'A'.repeat(300),
];

it('5,000 fuzzed API and webhook bodies: only client answers, never a 5xx, still healthy', async () => {
  Object.assign(process.env, { MARSHAL_ALERTMANAGER_TOKEN: TOKENS.alertmanager, MARSHAL_GRAFANA_TOKEN: TOKENS.grafana, MARSHAL_EVENTS_TOKEN: TOKENS.events });
  const stack = await startTestStack();
  try {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const next = seededRandom(seed);
    // Percent-encoding; a lone surrogate goes out as the (invalid UTF-8) bytes of its code unit.
    const enc = (text: string) =>
      [...text]
        .map((c) => {
          try {
            return encodeURIComponent(c);
          } catch {
            return '%ED%A0%80';
          }
        })
        .join('') || 'x';
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
    const int = (max: number) => Math.floor(next() * max);

    const admin = { Authorization: `Bearer ${stack.token}` };
    const declared = await fetch(`${stack.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Fuzz target', severity: 'SEV4', service: 'checkout-api' }),
    });
    const incidentId = ((await declared.json()) as { id: string }).id;

    const huge = (length: number) => pick(['x', 'é', '💥', '\u0000', 'ab']).repeat(Math.ceil(length / 2));
    // Deep nesting is written as text: JSON.stringify itself would overflow the stack building it.
    const DEEP = '"@@deep@@"';
    const deepText = (depth: number): string => {
      let open = '';
      let close = '';
      for (let i = 0; i < depth; i += 1) {
        if (next() < 0.5) {
          open += '[';
          close = `]${close}`;
        } else {
          open += '{"a":';
          close = `}${close}`;
        }
      }
      return `${open}${pick(['1', '"x"', 'null'])}${close}`;
    };
    const withDeep = (text: string) =>
      text
        .split(DEEP)
        .map((part, i) => (i === 0 ? part : deepText(1 + int(5_000)) + part))
        .join('');
    const scalar = (): unknown =>
      pick<() => unknown>([
        () => pick(ODD_STRINGS),
        () => int(2 ** 31) - 2 ** 30,
        () => next() * 1e308,
        () => true,
        () => false,
        () => null,
        () => [],
        () => ({}),
        () => huge(int(4) === 0 ? 70_000 : 500),
        () => [pick(ODD_STRINGS), int(10)],
        () => ({ [pick(ODD_STRINGS)]: pick(ODD_STRINGS) }),
      ])();
    const value = (depth = 0): unknown => {
      const roll = next();
      if (depth > 3 || roll < 0.6) return scalar();
      if (roll < 0.8) return Array.from({ length: int(5) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: int(6) }, () => [pick(['title', 'severity', 'service', 'by', 'status', 'message', 'alerts', 'labels', 'fingerprint', pick(ODD_STRINGS)]), value(depth + 1)]),
      );
    };

    // Valid bodies per route, to mutate one field at a time (wrong type, removed, odd value, extra field).
    const now = Date.now();
    const alertmanager = {
      version: '4',
      groupKey: '{}:{alertname="Fuzz"}',
      status: 'firing',
      receiver: 'marshal',
      groupLabels: { alertname: 'Fuzz' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Fuzz', service: 'checkout' },
          annotations: { summary: 's' },
          startsAt: '2026-03-02T09:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://p',
          fingerprint: 'fuzz-1',
        },
      ],
    };
    const targets: { method: string; path: () => string; headers: Record<string, string>; valid: Record<string, unknown> }[] = [
      { method: 'POST', path: () => '/api/v1/incidents', headers: admin, valid: { title: 'Fuzzed', severity: 'SEV4', service: 'checkout-api', summary: 's', reporter: 'r' } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/acknowledge`, headers: admin, valid: { by: 'judy' } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/updates`, headers: admin, valid: { status: 'investigating', message: 'm', by: 'judy', public: false } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/severity`, headers: admin, valid: { severity: 'SEV4', reason: 'r', by: 'judy' } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/roles`, headers: admin, valid: { role: 'scribe', person: 'judy', by: 'judy' } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/team`, headers: admin, valid: { team: 'payments', reason: 'r', by: 'judy' } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/action-items`, headers: admin, valid: { title: 't', owner: 'judy' } },
      { method: 'POST', path: () => `/api/v1/incidents/${incidentId}/postmortem`, headers: admin, valid: { markdown: '# pm' } },
      { method: 'POST', path: () => `/api/v1/incidents/${enc(pick(ODD_STRINGS))}/acknowledge`, headers: admin, valid: { by: 'judy' } },
      {
        method: 'POST',
        path: () => '/api/v1/oncall/platform/overrides',
        headers: admin,
        valid: { person: 'judy', from: new Date(now).toISOString(), to: new Date(now + 3_600_000).toISOString(), reason: 'r' },
      },
      { method: 'GET', path: () => `/api/v1/incidents?status=${enc(pick(ODD_STRINGS))}&team=${enc(pick(ODD_STRINGS))}&limit=${enc(pick(ODD_STRINGS))}`, headers: admin, valid: {} },
      { method: 'GET', path: () => `/api/v1/oncall/${enc(pick(ODD_STRINGS))}?at=${enc(pick(ODD_STRINGS))}`, headers: admin, valid: {} },
      { method: 'POST', path: () => '/api/v1/webhooks/alertmanager', headers: { Authorization: `Bearer ${TOKENS.alertmanager}` }, valid: alertmanager },
      {
        method: 'POST',
        path: () => '/api/v1/webhooks/grafana',
        headers: { Authorization: `Bearer ${TOKENS.grafana}` },
        valid: { ...alertmanager, orgId: 1, title: 't', state: 'alerting', message: 'm' },
      },
      {
        method: 'POST',
        path: () => pick(['/v2/enqueue', '/api/v1/webhooks/events']),
        headers: {},
        valid: { routing_key: TOKENS.events, event_action: 'trigger', dedup_key: 'fuzz-e', payload: { summary: 's', source: 'src', severity: 'critical' } },
      },
      {
        method: 'POST',
        path: () => '/v2/change/enqueue',
        headers: {},
        valid: { routing_key: TOKENS.events, payload: { summary: 's', source: 'src', custom_details: { namespace: 'ledger' } }, links: [{ href: 'https://ci.example.com/1' }] },
      },
      { method: 'POST', path: () => '/api/v1/webhooks/generic', headers: {}, valid: { key: 'k', status: 'firing', title: 't' } },
      { method: 'POST', path: () => `/api/v1/heartbeats/${enc(pick(['alertmanager', 'nope', ...ODD_STRINGS]))}`, headers: { Authorization: `Bearer ${TOKENS.alertmanager}` }, valid: {} },
    ];

    const mutate = (valid: Record<string, unknown>): unknown => {
      const body: Record<string, unknown> = structuredClone(valid);
      const keys = Object.keys(body);
      switch (int(5)) {
        case 0:
          if (keys.length) delete body[pick(keys)];
          break;
        case 1:
          if (keys.length) body[pick(keys)] = scalar();
          break;
        case 2:
          body[pick(ODD_STRINGS) || 'extra'] = value();
          break;
        case 3:
          if (keys.length) body[pick(keys)] = '@@deep@@';
          break;
        default:
          for (const key of keys) if (next() < 0.5) body[key] = value();
      }
      return body;
    };
    // A request: its body bytes and content type.
    const makeBody = (valid: Record<string, unknown>): { body: string | Buffer; type?: string; kind: string } => {
      const roll = next();
      if (roll < 0.45) return { body: withDeep(JSON.stringify(mutate(valid))), type: 'application/json', kind: 'mutated' };
      if (roll < 0.65) return { body: JSON.stringify(value()), type: 'application/json', kind: 'random' };
      if (roll < 0.72) return { body: deepText(int(50_000)), type: 'application/json', kind: 'deep' };
      if (roll < 0.76) return { body: JSON.stringify({ ...valid, title: huge(int(2) ? 600_000 : 1_200_000) }), type: 'application/json', kind: 'huge' };
      if (roll < 0.84) {
        const text = JSON.stringify(mutate(valid));
        return { body: text.slice(0, int(text.length)) + pick(['', '}', ']]', ',', '"', '\\', '\\u12']), type: 'application/json', kind: 'malformed' };
      }
      if (roll < 0.9) {
        const bytes = Buffer.from(JSON.stringify(valid));
        for (let i = 0; i < 3; i += 1) bytes[int(bytes.length)] = pick([0xff, 0xc3, 0x80, 0xed, 0x00]);
        return { body: bytes, type: 'application/json', kind: 'bytes' };
      }
      if (roll < 0.95)
        return { body: JSON.stringify(valid), type: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data', '']), kind: 'content-type' };
      return { body: pick(['', 'null', '[]', '1', '"x"', 'true', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}']), type: 'application/json', kind: 'edge' };
    };

    const byStatus = new Map<number, number>();
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    let sent = 0;
    let retried = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          const index = sent++;
          const target = pick(targets);
          const path = target.path();
          const made = target.method === 'GET' ? { body: undefined, type: undefined, kind: 'query' } : makeBody(target.valid);
          byKind.set(made.kind, (byKind.get(made.kind) ?? 0) + 1);
          let status = 0;
          try {
            // A 503 with Retry-After says "busy, send it again" (the engine missed its deadline on this loaded
            // machine): resend like a sender would. A 503 that persists, or any other 5xx, is a failure.
            let text = '';
            for (let attempt = 1; ; attempt += 1) {
              const response = await fetch(`${stack.url}${path}`, { method: target.method, headers: { ...target.headers, ...(made.type ? { 'Content-Type': made.type } : {}) }, body: made.body });
              status = response.status;
              text = await response.text();
              if (!(status === 503 && response.headers.get('retry-after') && attempt < 4)) break;
              retried += 1;
              await new Promise((resolve) => setTimeout(resolve, 1_000));
            }
            if (status >= 500 || /\n\s+at .+:\d+:\d+/.test(text))
              failures.push(`#${index} ${target.method} ${path} [${made.kind}] → ${status}: ${text.slice(0, 300)} · body ${String(made.body).slice(0, 300)}`);
          } catch (error) {
            failures.push(`#${index} ${target.method} ${path} [${made.kind}] → no answer: ${(error as Error).message}`);
          }
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    const health = await until('/healthz ok', async () => (await fetch(`${stack.url}/healthz`)).status === 200, 10_000);
    if (failures.length) console.log(`fuzz seed ${seed}: ${failures.length} failures, first ones:\n${failures.slice(0, Number(process.env.FUZZ_SHOW ?? 15)).join('\n')}`);
    verdict(
      '5,000 fuzzed API and webhook bodies',
      {
        seed,
        requests: REQUESTS,
        elapsedMs,
        answers: Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)),
        kinds: Object.fromEntries(byKind),
        retriedAfter503: retried,
        serverErrorsOrNoAnswer: failures.length,
      },
      [
        ['no 5xx, no dropped connection, no stack trace', failures.length === 0],
        ['/healthz ok afterwards', health === true],
      ],
    );
  } finally {
    await stack.stop();
  }
}, 300_000);
