// The pure rules of an alliance hand-over (docs/alliances.md): in what order the waiting entries of
// several stores enter one shared queue, and how a shared pool is divided when the alliance ends.

/** A waiting entry as the rules see it: its store, its target, and when it joined its queue. */
export type HandOverEntry = { id: number; memberId: number; targetFen: number; joinedAtMs: number };

/**
 * Merges queues that are each in FIFO order into one, by when each entry joined: at each step the
 * earliest head among the queues goes next (a tie goes to the queue listed first). Each queue's own
 * order is kept whatever its timestamps say, since within a queue position order is commit order.
 */
export function mergeByArrival<T extends { joinedAtMs: number }>(queues: readonly (readonly T[])[]): T[] {
  const heads = queues.map(() => 0);
  const out: T[] = [];
  for (;;) {
    let best = -1;
    for (let q = 0; q < queues.length; q++) {
      const e = queues[q]![heads[q]!];
      if (e === undefined) continue;
      if (best < 0 || e.joinedAtMs < queues[best]![heads[best]!]!.joinedAtMs) best = q;
    }
    if (best < 0) return out;
    out.push(queues[best]![heads[best]!]!);
    heads[best]! += 1;
  }
}

/**
 * Divides `total` fen between members in proportion to their weights, rounding down, then giving
 * the fen left over one each to the largest remainders (ties: the member listed first). With no
 * weight at all, every member weighs the same. The shares add up to `total` exactly.
 */
export function largestRemainder(total: number, weights: readonly { memberId: number; weight: number }[]): Map<number, number> {
  const out = new Map<number, number>(weights.map((w) => [w.memberId, 0]));
  if (weights.length === 0 || total === 0) return out;
  const sum = weights.reduce((s, w) => s + w.weight, 0);
  const ws = sum > 0 ? weights.map((w) => ({ ...w, weight: BigInt(w.weight) })) : weights.map((w) => ({ ...w, weight: 1n }));
  const wsum = ws.reduce((s, w) => s + w.weight, 0n);
  const T = BigInt(total);
  let given = 0n;
  const rems = ws.map((w, i) => {
    const exact = T * w.weight;
    const share = exact / wsum;
    given += share;
    out.set(w.memberId, Number(share));
    return { i, memberId: w.memberId, rem: exact % wsum };
  });
  rems.sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (let k = 0n, j = 0; k < T - given; k++, j++) {
    const r = rems[j]!;
    out.set(r.memberId, out.get(r.memberId)! + 1);
  }
  return out;
}

/**
 * Divides a shared pool between the members when an alliance is dissolved. First, FIFO-faithfully:
 * walking the shared queue in order, each entry's store gets the part of the entry's target that the
 * pool covers after the entries ahead (what the shared pool owed it), so every entry, back in its own
 * store's queue, is covered exactly as much as before. What is left when every waiting entry is
 * covered goes by `weights` (each store's contribution to the shared pool), largest remainder.
 */
export function splitPool(args: {
  poolFen: number;
  /** The shared queue's waiting entries, in position order. */
  entries: readonly { memberId: number; targetFen: number }[];
  /** Every member, with its weight for the leftover. */
  weights: readonly { memberId: number; weight: number }[];
}): Map<number, number> {
  const shares = new Map<number, number>(args.weights.map((w) => [w.memberId, 0]));
  let left = args.poolFen;
  for (const e of args.entries) {
    if (left === 0) break;
    if (!shares.has(e.memberId)) throw new Error(`entry of store ${e.memberId}, which is not a member`);
    const covered = Math.min(e.targetFen, left);
    shares.set(e.memberId, shares.get(e.memberId)! + covered);
    left -= covered;
  }
  for (const [m, fen] of largestRemainder(left, args.weights)) shares.set(m, shares.get(m)! + fen);
  return shares;
}
