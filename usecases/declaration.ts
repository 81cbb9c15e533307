/**
 * Declaring an incident, decided once for every entry point (API, console, CLI through the API, alert
 * intake): a request is resolved against the policy into a declaration, or refused with the field at fault
 * and what to do. Pure; the entry points only translate their input and the refusal.
 */
import type { Policy } from '../policy/types';
import type { Declaration, Refusal } from '../workflows/incident-state';

export interface DeclarationRequest {
  title: string;
  severity: string;
  service?: string;
  team?: string;
  summary?: string;
  reporter?: string;
}

export type DeclarationResolution = { ok: true; declaration: Omit<Declaration, 'id'> } | { ok: false; refusal: Refusal };

const refuse = (field: string, reason: string): DeclarationResolution => ({ ok: false, refusal: { kind: 'invalid', field, reason } });

export function resolveDeclaration(policy: Policy, request: DeclarationRequest): DeclarationResolution {
  const { title, severity, service, summary, reporter } = request;
  if (!policy.severities.some((known) => known.name === severity)) {
    return refuse('severity', `unknown severity "${severity}"; policy ${policy.version} defines ${policy.severities.map((known) => known.name).join(', ')}`);
  }
  if (service !== undefined && !Object.hasOwn(policy.services, service)) return refuse('service', `unknown service "${service}"; add it to config/services.yaml`);
  if (request.team !== undefined && !Object.hasOwn(policy.teams, request.team)) {
    return refuse('team', `unknown team "${request.team}"; policy ${policy.version} defines ${Object.keys(policy.teams).sort().join(', ') || 'none'}`);
  }
  // The team that owns the service is paged unless the declarer names another.
  const team = request.team ?? (service !== undefined ? policy.services[service].team : undefined);
  return {
    ok: true,
    declaration: {
      title,
      severity,
      ...(team !== undefined ? { team } : {}),
      ...(service !== undefined ? { service } : {}),
      ...(summary !== undefined ? { summary } : {}),
      ...(reporter !== undefined ? { reporter } : {}),
    },
  };
}
