/** Incidents for document and status-model tests, built with the real pure fold and the shipped policy. */
import { join } from 'node:path';
import { loadPolicyDir } from '../../policy/io/load';
import type { Policy } from '../../policy/types';
import { declare, decide, record, type Command, type Declaration, type IncidentPolicy } from '../../workflows/incident-state';
import { incidentView, type IncidentView } from '../../workflows/incident-view';

const root = join(__dirname, '..', '..');
const loaded = loadPolicyDir(join(root, 'config'));
if (!loaded.ok) throw new Error('the shipped policy must load');
export const policy: Policy = loaded.policy;
export const incidentPolicy: IncidentPolicy = { version: 'v1', severities: policy.severities };

/** A scripted incident: each step is [minutes after declaration, command]. */
export function incident(declaration: Omit<Declaration, 'id'> & { id?: string }, steps: [number, Command][] = [], start = '2026-11-21T10:00:00.000Z'): IncidentView {
  const at = (minutes: number) => new Date(Date.parse(start) + minutes * 60_000).toISOString();
  let state = declare({ id: declaration.id ?? 'inc1', ...declaration }, incidentPolicy, start);
  for (const [minutes, command] of steps) {
    const decision = decide(state, command);
    if (!decision.ok) throw new Error(`refused ${command.type}: ${decision.refusal.reason}`);
    state = record(state, decision.events, at(minutes), command.by);
  }
  return incidentView(state, []);
}
