/**
 * Reads of a team's active overrides on the real dev server: one query serves the reads that come within a
 * second (each page planned reads them), a change made through the same process is seen by the very next
 * read, and one made through another process within about a second.
 */
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Overrides } from '../../engine/overrides';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** Overrides read through a client of its own that counts the queries it makes: a process of its own, as far as reads go. */
function processReading() {
  const counted = { queries: 0 };
  const counting: WorkflowClientInterceptor = {
    async query(input, next) {
      counted.queries += 1;
      return next(input);
    },
  };
  const client = new Client({ connection: stack.client.connection, namespace: 'default', interceptors: { workflow: [counting] } });
  return { overrides: new Overrides(client, stack.taskQueue), counted };
}

const override = (person: string) => ({ person, from: new Date().toISOString(), to: new Date(Date.now() + 3_600_000).toISOString(), reason: 'swap', by: 'alice' });
const people = (list: { person: string }[]) => list.map((entry) => entry.person).sort();

describe("a team's active overrides", () => {
  it('are read once for the reads within a second, and again after it', async () => {
    const { overrides, counted } = processReading();
    const reads = await Promise.all([overrides.active('payments'), overrides.active('payments'), overrides.active('payments')]);
    expect(reads[1]).toBe(reads[0]);
    expect(reads[2]).toBe(reads[0]);
    expect(counted.queries).toBe(1);
    // A caller deciding whether to add one (the rest rule) asks afresh.
    await overrides.active('payments', { fresh: true });
    expect(counted.queries).toBe(2);
    // Another team is a read of its own.
    await overrides.active('platform');
    expect(counted.queries).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await overrides.active('payments');
    expect(counted.queries).toBe(4);
  });

  it('show a change made through the same process at the next read, and one made elsewhere within about a second', async () => {
    const here = processReading();
    const elsewhere = processReading();
    const before = people(await here.overrides.active('payments'));
    await here.overrides.add('payments', override('bob'));
    expect(people(await here.overrides.active('payments'))).toEqual([...before, 'bob'].sort());

    await elsewhere.overrides.add('payments', override('carol'));
    await vi.waitFor(async () => expect(people(await here.overrides.active('payments'))).toContain('carol'), { timeout: 3_000, interval: 100 });

    const bob = (await here.overrides.list('payments')).find((record) => record.person === 'bob' && record.state === 'active')!;
    await here.overrides.remove('payments', bob.id, 'alice');
    expect(people(await here.overrides.active('payments'))).not.toContain('bob');
  });
});
