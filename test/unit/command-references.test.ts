/** Names a command uses must exist in policy: teams, and the people given roles and action items. Pure. */
import { describe, expect, it } from 'vitest';
import { commandReferenceRefusal } from '../../usecases/command-references';
import { examplePolicy } from '../policy/helpers';

const policy = examplePolicy();

describe('commandReferenceRefusal', () => {
  it('lets roles and action items go to people in policy', () => {
    expect(commandReferenceRefusal({ type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' }, policy)).toBeUndefined();
    expect(commandReferenceRefusal({ type: 'add-action-item', by: 'alice', title: 't', owner: 'judy' }, policy)).toBeUndefined();
  });

  it('refuses unknown people with the field, who is known and how to add them', () => {
    const role = commandReferenceRefusal({ type: 'assign-role', by: 'alice', role: 'scribe', person: 'the-cto' }, policy);
    expect(role).toMatchObject({ kind: 'invalid', field: 'person' });
    expect(role!.reason).toContain('"the-cto" is not a person in policy');
    expect(role!.reason).toContain('alice');
    expect(role!.reason).toContain('config/teams/');
    const owner = commandReferenceRefusal({ type: 'add-action-item', by: 'alice', title: 't', owner: 'Carol' }, policy);
    expect(owner).toMatchObject({ kind: 'invalid', field: 'owner' });
  });

  it('refuses hostile names without echoing them whole: prototype keys, NUL, huge, invalid Unicode', () => {
    for (const person of ['__proto__', 'constructor', 'hasOwnProperty', 'a\u0000b', 'x'.repeat(100_000), '\ud800', ' carol', '']) {
      const refusal = commandReferenceRefusal({ type: 'assign-role', by: 'alice', role: 'commander', person }, policy);
      expect(refusal, JSON.stringify(person.slice(0, 20))).toMatchObject({ kind: 'invalid', field: 'person' });
      expect(refusal!.reason.length).toBeLessThan(600);
      expect(refusal!.reason.isWellFormed()).toBe(true);
      expect(refusal!.reason).not.toContain('\u0000');
    }
  });

  it('still refuses unknown teams and passes commands that name nobody', () => {
    expect(commandReferenceRefusal({ type: 'reassign-team', by: 'alice', team: 'nope', reason: 'r' }, policy)).toMatchObject({ field: 'team' });
    expect(commandReferenceRefusal({ type: 'acknowledge', by: 'anyone' }, policy)).toBeUndefined();
  });
});
