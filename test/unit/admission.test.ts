import { describe, expect, it } from 'vitest';
import { Admission, EngineOverloadedError } from '../../engine/admission';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('admission control', () => {
  it('lets `limit` calls run, queues the next ones, and refuses those that wait too long', async () => {
    const admission = new Admission({ limit: 2, maxWaitMs: 50 });
    const first = gate();
    const running = [admission.run(() => first.opened.then(() => 'a')), admission.run(() => first.opened.then(() => 'b'))];
    expect(admission.load).toEqual({ inFlight: 2, waiting: 0 });
    const refused = admission.run(async () => 'never');
    expect(admission.load).toEqual({ inFlight: 2, waiting: 1 });
    await expect(refused).rejects.toBeInstanceOf(EngineOverloadedError);
    expect(admission.load).toEqual({ inFlight: 2, waiting: 0 });
    const queued = admission.run(async () => 'c');
    first.open();
    expect(await Promise.all([...running, queued])).toEqual(['a', 'b', 'c']);
    expect(admission.load).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('frees the slot of a call that failed', async () => {
    const admission = new Admission({ limit: 1, maxWaitMs: 10 });
    await expect(admission.run(() => Promise.reject(new Error('engine said no')))).rejects.toThrow('engine said no');
    expect(await admission.run(async () => 'next')).toBe('next');
  });
});
