/**
 * The on-call pages over real HTTP: who is on call now for every team (with their own clocks), a team's
 * 14-day picture, and overrides and swaps added and removed by form with the session's name as the actor,
 * checked through the API. Hostile values (NUL, long strings, unknown teams, bad dates and zones) get a
 * readable 400/404 page and record nothing.
 */
import { describe, expect, it } from 'vitest';
import { apiClient, useTestStack } from '../support/stack';
import { consoleClient } from './console-client';

const file = useTestStack();

/** "2026-11-30T07:00" in UTC, as a datetime-local control sends it. */
const local = (at: number) => new Date(at).toISOString().slice(0, 16);
const HOUR = 3_600_000;

async function overridesOf(team: string) {
  return (await apiClient(file.stack.url, file.stack.token).get(`/api/v1/oncall/${team}/overrides`)).body.overrides as {
    id: string;
    person: string;
    replaces?: string;
    state: string;
    createdBy: string;
    removedBy?: string;
    reason: string;
  }[];
}

describe('on-call pages', () => {
  it('show who is on call now for every team, with their local time, and link each schedule', async () => {
    const browser = consoleClient(file.stack.url);
    await browser.signIn(file.stack.token, 'Night Owl');
    const board = await browser.get('/console/oncall');
    expect(board.status).toBe(200);
    const now = (await file.api.get('/api/v1/oncall/payments')).body;
    for (const team of ['payments', 'platform', 'web']) expect(board.html).toContain(`href="/console/oncall/${team}"`);
    if (now.primary) expect(board.html).toContain(now.primary.name);
    expect(board.html).toMatch(/Their time: <strong>\w{3} \d{2}:\d{2} \([\w ]+, [\w+-]+\)/);
    expect(board.html).toContain('href="/console/oncall">On call</a>');

    const page = await browser.get('/console/oncall/payments?zone=Europe%2FLondon');
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<svg class="chart schedule"[^>]*role="img"/);
    expect(page.html).toContain('Payments on call, next 14 days (Europe/London)');
    for (const hub of ['london', 'denver', 'sydney']) expect(page.html).toContain(`>${hub}</text>`);
    expect(page.html).toContain('Hours with no primary');
    expect(page.html).not.toMatch(/ style=/);
  });

  it('adds a swap and an override by form as the signed-in person, shows them, and removes them', async () => {
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Gale <i>');
    const start = Date.now() - 60_000;
    const form = { _csrf: csrf, person: 'ivan', replaces: '', rotation: '', from: local(start), to: local(start + 2 * HOUR), zone: 'UTC', reason: 'Covering the <b>release</b> night' };
    const added = await browser.post('/console/oncall/payments/overrides', form);
    expect(added.status, added.html.slice(0, 3000)).toBe(303);
    expect(added.location).toBe('/console/oncall/payments?done=added');
    const [record] = (await overridesOf('payments')).filter((one) => one.person === 'ivan');
    expect(record).toMatchObject({ state: 'active', createdBy: 'Gale <i>', reason: 'Covering the <b>release</b> night' });

    // Holding the primary from now: the board and the API agree that ivan is on call, by override.
    expect((await file.api.get('/api/v1/oncall/payments')).body.primary).toMatchObject({ personId: 'ivan', overrideId: record.id });
    const board = await browser.get('/console/oncall');
    expect(board.html).toMatch(/Ivan Petrov<\/strong> <span class="pill pill-override">override ovr-\d+/);
    const page = await browser.get(added.location!);
    expect(page.html).toContain('Override added.');
    expect(page.html).toContain('Covering the &#60;b&#62;release&#60;/b&#62; night');
    expect(page.html).toContain('added by Gale &#60;i&#62;');
    expect(page.html).toContain('url(#override-stripes)');

    // A swap: alice's shifts in a window go to carol, in London time.
    const swap = await browser.post('/console/oncall/payments/overrides', {
      ...form,
      person: 'carol',
      replaces: 'alice',
      from: '2099-01-05T09:00',
      to: '2099-01-06T09:00',
      zone: 'Europe/London',
      reason: 'Dentist',
    });
    expect(swap.status, swap.html.slice(0, 3000)).toBe(303);
    expect(swap.location).toBe('/console/oncall/payments?done=added&zone=Europe%2FLondon');
    const swapped = (await overridesOf('payments')).find((one) => one.person === 'carol')!;
    expect(swapped).toMatchObject({ replaces: 'alice', from: '2099-01-05T09:00:00.000Z', to: '2099-01-06T09:00:00.000Z' });
    expect((await browser.get('/console/oncall/payments')).html).toMatch(/Carol Singh<\/strong> instead of <strong>Alice Moreau<\/strong> \(swap\)/);

    for (const id of [record.id, swapped.id]) {
      const removed = await browser.post(`/console/oncall/payments/overrides/${id}/remove`, { _csrf: csrf });
      expect(removed.status).toBe(303);
      expect(removed.location).toBe('/console/oncall/payments?done=removed');
    }
    const after = await overridesOf('payments');
    expect(after.filter((one) => [record.id, swapped.id].includes(one.id)).map((one) => [one.state, one.removedBy])).toEqual([
      ['removed', 'Gale <i>'],
      ['removed', 'Gale <i>'],
    ]);
    // Removing it again is a conflict, said in words on the page.
    const again = await browser.post(`/console/oncall/payments/overrides/${record.id}/remove`, { _csrf: csrf });
    expect(again.status).toBe(409);
    expect(again.html).toContain('has already removed');
    expect((await browser.post('/console/oncall/payments/overrides/ovr-99999/remove', { _csrf: csrf })).status).toBe(404);
  });

  it('refuses hostile and malformed values with a readable page and records nothing', async () => {
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Hostile Tester');
    const before = (await overridesOf('web')).length;
    const base = { _csrf: csrf, person: 'alice', replaces: '', rotation: '', from: local(Date.now() + HOUR), to: local(Date.now() + 3 * HOUR), zone: 'UTC', reason: 'ok' };
    const refused = async (form: Record<string, string>, status: number, words: string | RegExp) => {
      const answer = await browser.post('/console/oncall/web/overrides', { ...base, ...form });
      expect(answer.status, answer.html.slice(0, 3000)).toBe(status);
      expect(answer.html).toMatch(words);
      expect(answer.html).not.toMatch(/at .*\.ts:\d+|Error:|\u0000/);
      return answer;
    };
    await refused({ reason: 'a\u0000b' }, 400, /&#34;reason&#34; [^<]*NUL|&#34;reason&#34; contains/);
    await refused({ reason: 'x'.repeat(2001) }, 400, 'Reason is longer than 2000 characters');
    await refused({ person: 'p'.repeat(300) }, 400, 'Person is longer than 200 characters');
    await refused({ person: 'nobody-here' }, 400, 'no person &#34;nobody-here&#34;');
    await refused({ replaces: 'alice', person: 'bob' }, 400, '&#34;alice&#34; is not a member of team web');
    await refused({ from: 'yesterday' }, 400, 'From must be a date and time such as');
    await refused({ to: '2026-02-30T10:00' }, 400, 'Until must be a date and time such as');
    await refused({ to: local(Date.now() - 10 * HOUR), from: local(Date.now() - 20 * HOUR) }, 400, 'in the past');
    await refused({ from: local(Date.now() + 5 * HOUR) }, 400, 'must be after');
    await refused({ zone: 'Mars/Olympus' }, 400, 'Time zone must be one of UTC');
    await refused({ rotation: 'tertiary' }, 400, '&#34;rotation&#34; must be one of primary, secondary');
    // What was typed is kept in the form beside the message, escaped and cut short.
    const kept = await refused({ person: 'p'.repeat(300), reason: '<img src=x> kept' }, 400, '&#60;img src=x&#62; kept');
    expect(kept.html).not.toContain('p'.repeat(101));
    // Without the session's CSRF token nothing is recorded.
    expect((await browser.post('/console/oncall/web/overrides', { ...base, _csrf: 'forged' })).status).toBe(403);
    expect((await overridesOf('web')).length).toBe(before);

    for (const path of ['/console/oncall/nosuchteam', '/console/oncall/constructor', `/console/oncall/${'t'.repeat(300)}`, '/console/oncall/%00']) {
      const missing = await browser.get(path);
      expect(missing.status, path).toBe(404);
      expect(missing.html).toContain('Not found');
      expect(missing.html).not.toContain('t'.repeat(101));
    }
    const zone = await browser.get('/console/oncall/web?zone=%3Cscript%3E');
    expect(zone.status).toBe(400);
    expect(zone.html).toContain('Time zone must be one of UTC');
    expect(zone.html).not.toContain('<script>');
    expect((await browser.post('/console/oncall/nosuchteam/overrides', base)).status).toBe(404);
    expect((await browser.post('/console/oncall/web/overrides/..%2F..%2Fx/remove', { _csrf: csrf })).status).toBe(404);
  });
});
