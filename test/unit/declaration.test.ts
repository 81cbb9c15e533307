/** The declaration use case on its own: policy in, declaration or refusal (with the field) out. */
import { describe, expect, it } from 'vitest';
import { resolveDeclaration } from '../../usecases/declaration';
import { examplePolicy } from '../policy/helpers';

const policy = examplePolicy();

describe('resolveDeclaration', () => {
  it('pages the team that owns the service unless another team is named', () => {
    expect(resolveDeclaration(policy, { title: 't', severity: 'SEV2', service: 'checkout-api' })).toEqual({
      ok: true,
      declaration: { title: 't', severity: 'SEV2', service: 'checkout-api', team: 'payments' },
    });
    expect(resolveDeclaration(policy, { title: 't', severity: 'SEV2', service: 'checkout-api', team: 'platform' })).toMatchObject({ ok: true, declaration: { team: 'platform' } });
  });

  it('refuses unknown names with the field and what to do, including names like "constructor"', () => {
    for (const [request, field] of [
      [{ severity: 'SEV9' }, 'severity'],
      [{ service: 'nope' }, 'service'],
      [{ team: 'nope' }, 'team'],
      [{ service: 'constructor' }, 'service'],
      [{ team: '__proto__' }, 'team'],
    ] as const) {
      const resolved = resolveDeclaration(policy, { title: 't', severity: 'SEV2', ...(request as object) });
      expect(resolved.ok ? undefined : resolved.refusal, JSON.stringify(request)).toMatchObject({ kind: 'invalid', field });
    }
  });
});
