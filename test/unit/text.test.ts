/** Text that can be stored: what the edge refuses, where it says the fault is, and what the repair does. */
import { describe, expect, it } from 'vitest';
import { controlCharacterProblem, findTextFault, MAX_DEPTH, repairText, textProblem } from '../../common/text';

describe('storable text', () => {
  it('refuses lone surrogates and NUL, accepts whole emoji and other scripts', () => {
    expect(textProblem('P\ud800Q')).toMatch(/surrogate/);
    expect(textProblem('x\udc00')).toMatch(/surrogate/);
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    for (const fine of ['🚨 checkout down', 'Zahlungen ausgefallen', '決済が失敗', 'line\nbreak\ttab']) expect(textProblem(fine)).toBeUndefined();
    expect(controlCharacterProblem('team\u001b[31m')).toMatch(/control/);
    expect(controlCharacterProblem('payments')).toBeUndefined();
  });

  it('names the first fault by its path, keys included', () => {
    expect(findTextFault({ alerts: [{ labels: { ok: 'fine' } }, { labels: { alertname: 'P\ud800' } }] })).toEqual({ field: 'alerts.1.labels.alertname', problem: expect.stringMatching(/surrogate/) });
    expect(findTextFault({ title: 'a\u0000', summary: '\ud800' })?.field).toBe('title');
    expect(findTextFault({ ['k\ud800']: 1 })?.problem).toMatch(/key/);
    expect(findTextFault({ title: 'fine', n: 3, ok: true, none: null })).toBeUndefined();
  });

  it('refuses bodies nested past the limit without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 50_000; level += 1) deep = [deep];
    expect(findTextFault(deep)?.problem).toMatch(new RegExp(`${MAX_DEPTH} levels`));
    let shallow: unknown = 'leaf';
    for (let level = 0; level < MAX_DEPTH - 1; level += 1) shallow = { a: shallow };
    expect(findTextFault(shallow)).toBeUndefined();
  });

  it('repairs every string of a value, keys included, leaving bytes alone', () => {
    const bytes = new Uint8Array([0, 1, 2]);
    const repaired = repairText({ ['k\ud800']: ['a\u0000b', { m: 'x\udc00' }], bytes });
    expect(repaired).toEqual({ ['k\ufffd']: ['a\ufffdb', { m: 'x\ufffd' }], bytes });
    expect(repaired.bytes).toBe(bytes);
  });
});
