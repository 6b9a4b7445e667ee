/**
 * Which of several overlapping reads of a live value may be shown. A poll can still be on its way
 * when a server render or the page's own change (a finished action) brings newer data; if that poll
 * answered last and simply won, the page would show the older state again until the next poll, or
 * for longer when polling is paused or backing off. So every read takes a ticket when it *begins*,
 * and what is shown only ever moves to a later-begun read, whatever order the answers arrive in.
 */

/** A value and the ticket of the read that produced it. */
export type Stamped<T> = { readonly data: T; readonly ticket: number };

/** Hands out tickets in the order reads begin. */
export class ReadClock {
  private last = 0;

  /** A ticket for a read beginning now: greater than every ticket handed out before. */
  begin(): number {
    this.last += 1;
    return this.last;
  }
}

/** What to show once `next` arrives: `next` if its read began after the shown one's, else the shown one. */
export function fresher<T>(shown: Stamped<T>, next: Stamped<T>): Stamped<T> {
  return next.ticket > shown.ticket ? next : shown;
}
