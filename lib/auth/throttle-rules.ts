/**
 * The pure arithmetic of failed-password throttling (lib/auth/throttle.ts stores it in Postgres).
 *
 * Each attempt is admitted *before* the password is checked and counted as a failure in advance;
 * a success then clears it. Because admission happens under the bucket's row lock, concurrent wrong
 * attempts cannot get past the limit. Once `limit` failures sit in one window, the next attempt is
 * refused and the bucket locks for `lockMs`, doubled for every lockout before it (up to `maxLockMs`).
 */

export type ThrottlePolicy = {
  /** Failures allowed per window. */
  limit: number;
  windowMs: number;
  /** The first lockout; each later one doubles. */
  lockMs: number;
  maxLockMs: number;
  /** Quiet time after a lockout that forgets earlier lockouts. */
  forgetMs: number;
};

export type ThrottleState = {
  failures: number;
  windowStartedAt: Date;
  strikes: number;
  lockedUntil: Date | null;
};

export type Admission =
  | { ok: true; state: ThrottleState }
  | { ok: false; state: ThrottleState; retryAt: Date };

/** A bucket nobody has failed in yet. */
export function freshState(now: Date): ThrottleState {
  return { failures: 0, windowStartedAt: now, strikes: 0, lockedUntil: null };
}

/** How long the lockout after `strikes` earlier ones lasts. */
export function lockDuration(strikes: number, policy: ThrottlePolicy): number {
  // 2^30 already dwarfs any cap; bounding the exponent keeps the number finite.
  return Math.min(policy.lockMs * 2 ** Math.min(strikes, 30), policy.maxLockMs);
}

/** Admits one attempt (counting it as a failure in advance), or refuses it with the time to retry. */
export function admit(prev: ThrottleState, now: Date, policy: ThrottlePolicy): Admission {
  if (prev.lockedUntil && now < prev.lockedUntil) return { ok: false, state: prev, retryAt: prev.lockedUntil };
  let state = { ...prev };
  if (state.lockedUntil && now.getTime() - state.lockedUntil.getTime() >= policy.forgetMs) {
    state = freshState(now);
  }
  if (now.getTime() - state.windowStartedAt.getTime() >= policy.windowMs) {
    state = { ...state, failures: 0, windowStartedAt: now };
  }
  if (state.failures >= policy.limit) {
    const retryAt = new Date(now.getTime() + lockDuration(state.strikes, policy));
    return {
      ok: false,
      state: { failures: 0, windowStartedAt: retryAt, strikes: state.strikes + 1, lockedUntil: retryAt },
      retryAt,
    };
  }
  return { ok: true, state: { ...state, failures: state.failures + 1 } };
}

/** Whole minutes until `retryAt`, at least 1: what the refusal message says. */
export function minutesUntil(retryAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
}

/**
 * Whether a stored bucket can be deleted: its next attempt would be judged exactly as a fresh
 * bucket's (no lockout running, the failure window over, and any earlier lockout forgotten).
 * Deleting such rows changes no decision; it only keeps the table from growing with every name
 * ever typed at the login form.
 */
export function forgettable(s: ThrottleState, now: Date, policy: ThrottlePolicy): boolean {
  const t = now.getTime();
  if (t - s.windowStartedAt.getTime() < policy.windowMs) return false;
  if (s.lockedUntil === null) return s.strikes === 0;
  return t - s.lockedUntil.getTime() >= policy.forgetMs;
}

/**
 * A slow-down that delays attempts and never refuses them: for a counter that everyone shares
 * (every login when no client address can be believed), where a lockout would let one client lock
 * everybody out. The first `freeFailures` in a window cost nothing; each one after adds `stepMs`,
 * up to `maxDelayMs`.
 */
export type SlowDownPolicy = {
  windowMs: number;
  freeFailures: number;
  stepMs: number;
  maxDelayMs: number;
};

/** How long to hold an attempt when `failures` (this one included) sit in the current window. */
export function slowDownDelay(failures: number, policy: SlowDownPolicy): number {
  return Math.min(policy.maxDelayMs, Math.max(0, failures - policy.freeFailures) * policy.stepMs);
}
