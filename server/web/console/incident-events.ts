/**
 * GET /console/incidents/:id/events: server-sent events telling an open incident page that the incident
 * changed (`event: changed`, data `{"seq": n}`, the number of its latest event). The page then fetches
 * itself again (console.js); the stream carries no incident data, so it cannot leak more than the page does.
 *
 * It watches by asking the workflow for the incident's latest event number every few seconds: simple, and
 * it sees every change whoever made it (API, CLI, alerts, the follow-through loops). Each stream ends when
 * the browser goes away, when the session expires (the page is told `ended` and stops), after several
 * failed reads, and after STREAM_LIFETIME_MS in any case: the browser reconnects, and reconnecting passes
 * the session check again, so a signed-out browser is refused rather than kept informed.
 */
import type { Response } from 'express';
import type { Incidents } from '../../../engine/incidents';
import type { Logger } from '../../runtime/log';
import type { Session } from '../session';

export const POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;
const STREAM_LIFETIME_MS = 10 * 60_000;
const FAILURES_BEFORE_ENDING = 5;
/** Event streams one signed-in person may hold open at once (in this process). */
export const STREAMS_PER_PERSON = 10;
const openStreams = new Map<string, number>();
/** Asking for events after the largest sequence number the store holds (int4) returns none, only the total. */
const AFTER_EVERY_EVENT = 2_147_483_647;

export function incidentChanges(res: Response, deps: { id: string; session: Session; incidents: Pick<Incidents, 'timeline'>; logger: Logger; signedIn?: () => Promise<boolean> }): void {
  changeStream(res, {
    session: deps.session,
    signedIn: deps.signedIn,
    logger: deps.logger,
    about: { incident: deps.id },
    version: async () => (await deps.incidents.timeline(deps.id, AFTER_EVERY_EVENT, 1)).total,
  });
}

/**
 * The stream itself, for anything a page can number: `version` is read every POLL_MS and `changed` sent
 * whenever it differs from the last one read (My pages numbers its inbox and what waits in it).
 */
export function changeStream(res: Response, deps: { session: Session; logger: Logger; about: Record<string, string>; version: () => Promise<number>; signedIn?: () => Promise<boolean> }): void {
  // Each stream holds a connection and reads the engine every POLL_MS: one person may hold only so many.
  // A browser opens at most six connections to one origin, so only a script looping on us meets the limit.
  const holder = deps.session.name;
  const held = openStreams.get(holder) ?? 0;
  if (held >= STREAMS_PER_PERSON) {
    res.status(429).set({ 'Retry-After': '30', 'Cache-Control': 'no-store' }).type('text/plain').send(`${STREAMS_PER_PERSON} event streams are open for you already; close a console tab.`);
    return;
  }
  openStreams.set(holder, held + 1);
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // Proxies such as nginx would otherwise hold the events back in a buffer.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 3000\n\n');

  let seq = -1;
  let failures = 0;
  let polling = false;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];

  const end = (event?: string) => {
    if (ended) return;
    ended = true;
    const left = (openStreams.get(holder) ?? 1) - 1;
    if (left > 0) openStreams.set(holder, left);
    else openStreams.delete(holder);
    for (const timer of timers) clearTimeout(timer);
    if (event && !res.writableEnded) res.write(`event: ${event}\ndata: {}\n\n`);
    res.end();
  };

  const poll = async () => {
    if (polling || ended) return;
    polling = true;
    try {
      const total = await deps.version();
      failures = 0;
      if (total !== seq && !ended) {
        seq = total;
        res.write(`event: changed\ndata: ${JSON.stringify({ seq })}\n\n`);
      }
    } catch (error) {
      failures++;
      if (failures >= FAILURES_BEFORE_ENDING) {
        deps.logger.warn({ err: error, ...deps.about }, 'console event stream ended after failed reads');
        end();
      }
    } finally {
      polling = false;
    }
  };

  timers.push(setInterval(() => void poll(), POLL_MS));
  timers.push(setInterval(() => !ended && res.write(': still here\n\n'), HEARTBEAT_MS));
  // Signing out ends the session at once; an open stream learns it within a heartbeat and tells the page.
  const signedIn = deps.signedIn;
  if (signedIn)
    timers.push(
      setInterval(
        () =>
          void signedIn().then(
            (live) => !live && end('ended'),
            () => undefined,
          ),
        HEARTBEAT_MS,
      ),
    );
  timers.push(setTimeout(() => end('ended'), Math.max(0, deps.session.expiresAt - Date.now())));
  timers.push(setTimeout(() => end(), STREAM_LIFETIME_MS));
  // The response's close, not the request's: a GET's request closes as soon as it has been read.
  res.on('close', () => end());
  void poll();
}
