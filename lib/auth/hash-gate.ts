import { availableParallelism } from "node:os";
import { DomainError } from "@/lib/errors";

/** The gate is full: too many password hashes already running and waiting. Answered 503, "try again". */
export class BusyError extends DomainError {
  constructor() {
    super("unavailable", "auth.busy");
    this.name = "BusyError";
  }
}

export type Gate = {
  /** Runs `fn` once a slot is free; throws BusyError at once when `maxWaiting` calls already wait. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls running and waiting now, and started since the process began. */
  stats(): { running: number; waiting: number; started: number };
};

/**
 * A counting semaphore with a bounded queue, first come first served. A slot is handed straight
 * from the call that ends to the first waiter, so a newcomer cannot overtake the queue.
 */
export function createGate(slots: number, maxWaiting: number): Gate {
  let running = 0;
  let started = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (running < slots) running += 1;
      else if (waiting.length >= maxWaiting) throw new BusyError();
      else await new Promise<void>((resolve) => waiting.push(resolve));
      started += 1;
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length, started }),
  };
}

/**
 * Every argon2 hash and verify in this process goes through this gate. Each one takes 19 MiB and
 * tens of milliseconds of a core; unbounded, a registration or login flood runs dozens at once and
 * starves every page request of CPU. One core is left for pages; 64 waiting is about two seconds of
 * hashing on this hardware, after which a flood is told "busy, try again" instead of queueing more.
 */
export const HASH_SLOTS = Math.max(1, availableParallelism() - 1);
export const HASH_MAX_WAITING = 64;
export const hashGate: Gate = createGate(HASH_SLOTS, HASH_MAX_WAITING);
