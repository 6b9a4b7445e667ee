import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";
import { problem } from "./problem";

// The e2e journey (e2e/pos-api.e2e.ts) checks real answers against the served document; this checks
// that the generated schemas compile and say what the routes answer, with no server.
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
for (const k of ["openapi", "info", "servers", "security", "tags", "paths", "components"]) ajv.addKeyword(k);
ajv.addSchema({ ...openApiDocument, $id: "https://freeline.test/openapi.json" });

function validator(name: string) {
  const validate = ajv.getSchema(`https://freeline.test/openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return (body: unknown) => validate(body);
}

const order = {
  order_no: "FL261207ABCD1234",
  status: "paid",
  amount_fen: 1234,
  points_earned: 12,
  pos_ref: null,
  entries: [{ id: 7, position: 3, target_fen: 1000 }],
  created_at: new Date(0).toISOString(),
};

describe("the POS API's OpenAPI document", () => {
  it("describes an order request as the route parses it", () => {
    const valid = validator("OrderRequest");
    expect(valid({ customer: "13900000000", amount_fen: 1234, pos_ref: "R-1" })).toBe(true);
    expect(valid({ customer: "demo", amount_fen: 0 })).toBe(false);
    expect(valid({ customer: "demo", amount_fen: 12.5 })).toBe(false);
    expect(valid({ customer: "demo", amount_fen: 100, extra: 1 })).toBe(false);
    expect(valid({ amount_fen: 100 })).toBe(false);
  });

  it("describes every response exactly: the answers validate, an extra or missing property does not", () => {
    expect(validator("Order")(order)).toBe(true);
    expect(validator("Order")({ ...order, extra: 1 })).toBe(false);
    expect(validator("Order")({ ...order, entries: [{ id: 7, position: 3 }] })).toBe(false);
    const queue = { queue_id: 1, payout_mode: "auto", pool_fen: 0, head_target_fen: null, head_covered: false, waiting_count: 0, waiting_fen: 0 };
    expect(validator("Queue")(queue)).toBe(true);
    expect(validator("Queue")({ ...queue, payout_mode: "sometimes" })).toBe(false);
    const entry = {
      id: 7,
      order_no: order.order_no,
      status: "paid",
      paid_kind: "draw",
      target_fen: 1000,
      position: null,
      ahead_fen: null,
      needed_fen: null,
      pool_fen: 0,
      created_at: order.created_at,
      settled_at: order.created_at,
    };
    expect(validator("Entry")(entry)).toBe(true);
    expect(validator("Entry")({ ...entry, settled_at: "yesterday" })).toBe(false);
    expect(validator("Problem")(problem("not_found", "no entry 7 among this store's orders"))).toBe(true);
    expect(validator("Problem")({ ...problem("not_found", "x"), code: "no_such_code" })).toBe(false);
  });
});
