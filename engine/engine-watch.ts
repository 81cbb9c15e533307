/**
 * Whether the engine's port answers at all, checked every half second with a plain TCP connect. A refused
 * or failed connection is unambiguous: nothing a caller sends can land, so intake answers 503 at once
 * (and gives up calls in flight) instead of letting the client's retries hold senders past their timeout.
 * A slow engine is not "down": a connect that merely times out changes nothing, so load never sheds
 * deliveries that may already have landed.
 */
import { connect } from 'node:net';

const PROBE_EVERY_MS = 500;

export class EngineWatch {
  private down = false;
  private waiting: (() => void)[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly address: string) {}

  start(): void {
    const probe = () => this.probe().finally(() => (this.timer = setTimeout(probe, PROBE_EVERY_MS).unref()));
    void probe();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  get isDown(): boolean {
    return this.down;
  }

  /** Resolves once the engine is found down (at once if it is). */
  untilDown(): Promise<void> {
    return this.down ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }

  private probe(): Promise<void> {
    const [host, port] = splitAddress(this.address);
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      const settle = (down: boolean | undefined) => {
        socket.destroy();
        if (down !== undefined) this.set(down);
        resolve();
      };
      socket.setTimeout(PROBE_EVERY_MS, () => settle(undefined));
      socket.once('connect', () => settle(false));
      socket.once('error', () => settle(true));
    });
  }

  private set(down: boolean): void {
    this.down = down;
    if (down) for (const wake of this.waiting.splice(0)) wake();
  }
}

function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index).replace(/^\[|\]$/g, ''), Number(address.slice(index + 1))];
}
