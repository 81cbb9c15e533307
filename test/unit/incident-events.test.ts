/** The console's event stream ends with the session and with the browser, and leaves no timer behind. */
import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { incidentChanges, POLL_MS } from '../../server/web/console/incident-events';
import { createLogger } from '../../server/runtime/log';

/** Just enough of an express Response to watch what the stream writes and when it ends. */
function fakeResponse() {
  const res = Object.assign(new EventEmitter(), {
    written: [] as string[],
    writableEnded: false,
    status: () => res,
    set: () => res,
    flushHeaders: () => undefined,
    write: (chunk: string) => res.written.push(chunk),
    end: () => {
      res.writableEnded = true;
    },
  });
  return res;
}

describe('incident change events', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says changed when the latest event number moves, and ends when the session expires', async () => {
    let total = 3;
    const res = fakeResponse();
    const incidents = { timeline: async () => ({ events: [], total }) };
    const session = { name: 'ana', csrf: 'x', expiresAt: Date.now() + 10 * POLL_MS };
    incidentChanges(res as unknown as Response, { id: 'abc', session, incidents, logger: createLogger('silent') });
    await vi.advanceTimersByTimeAsync(0);
    expect(res.written.filter((chunk) => chunk.startsWith('event: changed'))).toEqual(['event: changed\ndata: {"seq":3}\n\n']);
    total = 4;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(res.written.at(-1)).toBe('event: changed\ndata: {"seq":4}\n\n');
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(res.written.at(-1)).toBe('event: ended\ndata: {}\n\n');
    expect(res.writableEnded).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops polling when the browser goes away', async () => {
    const res = fakeResponse();
    const timeline = vi.fn(async () => ({ events: [], total: 1 }));
    incidentChanges(res as unknown as Response, { id: 'abc', session: { name: 'ana', csrf: 'x', expiresAt: Date.now() + 3_600_000 }, incidents: { timeline }, logger: createLogger('silent') });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    res.emit('close');
    const calls = timeline.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(timeline.mock.calls.length).toBe(calls);
    expect(vi.getTimerCount()).toBe(0);
  });
});
