import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canMove, isFinal, moneyIn, WITHDRAWAL_STATUSES, type WithdrawalStatus } from "./withdrawal-status";

const status = fc.constantFrom(...WITHDRAWAL_STATUSES);

/** Walks the machine from `requested` along random allowed moves. */
function walk(choices: number[]): WithdrawalStatus[] {
  const path: WithdrawalStatus[] = ["requested"];
  for (const c of choices) {
    const here = path[path.length - 1]!;
    const next = WITHDRAWAL_STATUSES.filter((s) => canMove(here, s));
    if (next.length === 0) break;
    path.push(next[c % next.length]!);
  }
  return path;
}

describe("the withdrawal status machine", () => {
  it("has exactly the documented moves", () => {
    const moves = WITHDRAWAL_STATUSES.flatMap((a) => WITHDRAWAL_STATUSES.filter((b) => canMove(a, b)).map((b) => `${a}→${b}`));
    expect(moves.sort()).toEqual(
      ["requested→approved", "requested→rejected", "approved→sending", "approved→paid", "approved→failed", "sending→paid", "sending→failed"].sort(),
    );
  });

  it("nothing leaves paid, failed or rejected, and no status moves to itself or back to requested", () => {
    fc.assert(
      fc.property(status, status, (a, b) => {
        if (isFinal(a)) expect(canMove(a, b)).toBe(false);
        expect(canMove(a, a)).toBe(false);
        expect(canMove(a, "requested")).toBe(false);
      }),
    );
  });

  it("every walk ends paid, failed or rejected within four steps, and the money ends out or back in the wallet", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 4, maxLength: 10 }), (choices) => {
        const path = walk(choices);
        const end = path[path.length - 1]!;
        expect(isFinal(end)).toBe(true);
        expect(path.length).toBeLessThanOrEqual(4);
        expect(["paid out", "wallet"]).toContain(moneyIn(end));
        // Money never returns to the wallet after it was paid, and is paid out only after an approval.
        if (end === "paid") expect(path).toContain("approved");
        expect(new Set(path).size).toBe(path.length);
      }),
    );
  });

  it("a withdrawal's money is in exactly one place: pending before the decision, sending while in flight", () => {
    expect(moneyIn("requested")).toBe("withdrawals_pending");
    expect(moneyIn("approved")).toBe("withdrawals_sending");
    expect(moneyIn("sending")).toBe("withdrawals_sending");
    expect(moneyIn("failed")).toBe("wallet");
    expect(moneyIn("rejected")).toBe("wallet");
  });
});
