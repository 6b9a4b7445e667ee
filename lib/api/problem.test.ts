import { describe, expect, it } from "vitest";
import { ApiProblem, PROBLEMS, problem, problemResponse } from "./problem";

describe("problem details (RFC 9457)", () => {
  it("has type, title, status, detail and code; extensions follow and never replace them", async () => {
    const p = problem("idempotency_conflict", "used before", { field: "Idempotency-Key", status: 200, type: "x" });
    expect(p).toEqual({
      type: "urn:freeline:problem:idempotency_conflict",
      title: PROBLEMS.idempotency_conflict.title,
      status: 409,
      detail: "used before",
      code: "idempotency_conflict",
      field: "Idempotency-Key",
    });
    expect(Object.keys(p).slice(0, 5)).toEqual(["type", "title", "status", "detail", "code"]);

    const res = problemResponse("unauthenticated", "no key", { headers: { "WWW-Authenticate": "Bearer" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ status: 401, code: "unauthenticated", detail: "no key" });
  });

  it("every code has a 4xx or 5xx status, and ApiProblem carries it", () => {
    for (const [code, { status }] of Object.entries(PROBLEMS)) {
      expect(status >= 400 && status <= 599, code).toBe(true);
    }
    expect(new ApiProblem("unknown_customer", "who?").status).toBe(422);
  });
});
