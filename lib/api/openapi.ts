import { MAX_ORDER_FEN } from "@/db/schema";
import { PROBLEMS, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX } from "./problem";

/**
 * The OpenAPI 3.1 document of the POS API, served at /api/v1/openapi.json. Its schemas are JSON
 * Schema 2020-12 and describe every response exactly (additionalProperties: false), so the e2e
 * journey checks the real answers against them.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const fen = (description: string) => ({ type: "integer", minimum: 0, description });
const nullable = (schema: Record<string, unknown>) => ({ ...schema, type: [schema.type as string, "null"] });
const timestamp = { type: "string", format: "date-time" };

function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref("Problem") } } };
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Freeline POS API",
    version: "1.0.0",
    summary: "Let a store's POS record paid orders in the Freeline free-order queue and read the queue.",
    description: [
      "Every amount is an integer number of fen (¥1.00 = 100).",
      "Authenticate with a store API key from the merchant console (POS 接口): `Authorization: Bearer fl_<prefix>_<secret>`.",
      "Errors are RFC 9457 problem details (`application/problem+json`); `code` repeats the last segment of `type`.",
      "Freeing an order depends on future orders at the store: no free order and no date is promised.",
    ].join("\n\n"),
  },
  servers: [{ url: "/api/v1" }],
  security: [{ apiKey: [] }],
  tags: [
    { name: "orders", description: "Orders paid at the counter" },
    { name: "queue", description: "The store's free-order queue" },
    { name: "meta", description: "This document" },
  ],
  paths: {
    "/orders": {
      post: {
        tags: ["orders"],
        operationId: "createOrder",
        summary: "Record an order paid at the counter",
        description:
          "Creates the order and confirms its payment in one transaction (provider `pos`): the customer earns points and the order joins the queue. " +
          "Send a fresh `Idempotency-Key` per order and reuse it only to retry that same order: a retry with the same body returns the first response " +
          "(with `Idempotent-Replayed: true`) and records nothing new; the same key with another body is a 409.",
        parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
        requestBody: { required: true, content: { "application/json": { schema: ref("OrderRequest") } } },
        responses: {
          "201": {
            description: "The order is paid and queued (also the replayed answer to a retry).",
            headers: {
              "Idempotent-Replayed": {
                description: "`true` when this is the stored answer to an earlier request with the same key.",
                schema: { type: "string", enum: ["true"] },
              },
            },
            content: { "application/json": { schema: ref("Order") } },
          },
          "400": problemRef("BadRequest"),
          "401": problemRef("Unauthorized"),
          "403": problemRef("Forbidden"),
          "409": problemResponse("The Idempotency-Key was already used with a different body (`idempotency_conflict`)."),
          "413": problemResponse("The body is larger than 16 KiB."),
          "415": problemResponse("The body is not application/json."),
          "422": problemResponse("No registered customer matches `customer` (`unknown_customer`), or a store rule refuses the order (`not_allowed`: also when an operator has suspended the store)."),
          "500": problemRef("Internal"),
        },
      },
    },
    "/queue": {
      get: {
        tags: ["queue"],
        operationId: "getQueue",
        summary: "The store's queue: pool, head and waiting entries",
        responses: {
          "200": { description: "The queue gauge.", content: { "application/json": { schema: ref("Queue") } } },
          "401": problemRef("Unauthorized"),
          "403": problemRef("Forbidden"),
          "500": problemRef("Internal"),
        },
      },
    },
    "/entries/{id}": {
      get: {
        tags: ["queue"],
        operationId: "getEntry",
        summary: "One queue entry of this store's orders",
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            description: "The entry id, from `entries[].id` of a created order.",
            schema: { type: "integer", minimum: 1 },
          },
        ],
        responses: {
          "200": { description: "The entry and its place in line.", content: { "application/json": { schema: ref("Entry") } } },
          "400": problemRef("BadRequest"),
          "401": problemRef("Unauthorized"),
          "403": problemRef("Forbidden"),
          "404": problemResponse("No entry with this id belongs to this store's orders."),
          "500": problemRef("Internal"),
        },
      },
    },
    "/openapi.json": {
      get: {
        tags: ["meta"],
        operationId: "getOpenApi",
        summary: "This OpenAPI document",
        security: [],
        responses: { "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } } },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "fl_<8-character prefix>_<secret>",
        description: "A store API key, created in the merchant console and shown once. Revoked keys are refused at once.",
      },
    },
    parameters: {
      IdempotencyKey: {
        name: "Idempotency-Key",
        in: "header",
        required: true,
        description: "1–255 visible ASCII characters, unique per order within the store (a UUID is a good choice).",
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
      },
    },
    responses: {
      BadRequest: problemResponse("Invalid input (`invalid_input`, with `errors`) or a missing Idempotency-Key (`idempotency_key_required`)."),
      Unauthorized: problemResponse("No API key, or one that is malformed, wrong or revoked."),
      Forbidden: problemResponse("The key's store is not approved (`merchant_not_approved`)."),
      Internal: problemResponse("An unexpected error; retry with the same Idempotency-Key."),
    },
    schemas: {
      OrderRequest: {
        type: "object",
        additionalProperties: false,
        required: ["customer", "amount_fen"],
        properties: {
          customer: {
            type: "string",
            minLength: 1,
            maxLength: 64,
            description: "The customer's registered phone number or user name (case does not matter).",
          },
          amount_fen: {
            type: "integer",
            minimum: 1,
            maximum: MAX_ORDER_FEN,
            description: "The amount paid, in fen (¥12.34 is 1234).",
          },
          pos_ref: {
            type: "string",
            minLength: 1,
            maxLength: 128,
            pattern: "^[\\x20-\\x7e]+$",
            description: "The POS's own reference for the payment, kept on the order.",
          },
        },
      },
      OrderEntry: {
        type: "object",
        additionalProperties: false,
        required: ["id", "position", "target_fen"],
        properties: {
          id: { type: "integer", minimum: 1, description: "Use with GET /entries/{id}." },
          position: { type: "integer", minimum: 1, description: "Waiting entries ahead + 1, when the order was confirmed." },
          target_fen: { type: "integer", minimum: 1, description: "What this entry pays out when freed." },
        },
      },
      Order: {
        type: "object",
        additionalProperties: false,
        required: ["order_no", "status", "amount_fen", "points_earned", "pos_ref", "entries", "created_at"],
        properties: {
          order_no: { type: "string", pattern: "^FL[0-9]{6}[0-9A-Z]{8}$" },
          status: { type: "string", const: "paid" },
          amount_fen: { type: "integer", minimum: 1, maximum: MAX_ORDER_FEN },
          points_earned: { type: "integer", minimum: 0, description: "Green points, locked at first and released over time." },
          pos_ref: { type: ["string", "null"] },
          entries: {
            type: "array",
            items: ref("OrderEntry"),
            description: "Empty when the order is below the store's minimum for the queue (it still earns points).",
          },
          created_at: timestamp,
        },
      },
      Queue: {
        type: "object",
        additionalProperties: false,
        required: ["queue_id", "payout_mode", "pool_fen", "head_target_fen", "head_covered", "waiting_count", "waiting_fen"],
        properties: {
          queue_id: { type: "integer", minimum: 1 },
          payout_mode: { type: "string", enum: ["auto", "manual"] },
          pool_fen: fen("What the pool holds."),
          head_target_fen: nullable({ type: "integer", minimum: 1, description: "The head entry's target; null when no one waits." }),
          head_covered: { type: "boolean", description: "The pool covers the head (an auto queue pays it out shortly)." },
          waiting_count: { type: "integer", minimum: 0 },
          waiting_fen: fen("Sum of the waiting entries' targets."),
        },
      },
      Entry: {
        type: "object",
        additionalProperties: false,
        required: [
          "id",
          "order_no",
          "status",
          "paid_kind",
          "target_fen",
          "position",
          "ahead_fen",
          "needed_fen",
          "pool_fen",
          "created_at",
          "settled_at",
        ],
        properties: {
          id: { type: "integer", minimum: 1 },
          order_no: { type: "string" },
          status: { type: "string", enum: ["waiting", "paid", "left", "cancelled"] },
          paid_kind: { type: ["string", "null"], enum: ["fifo", "draw", null] },
          target_fen: { type: "integer", minimum: 1 },
          position: nullable({ type: "integer", minimum: 1, description: "Waiting entries ahead + 1; null unless waiting." }),
          ahead_fen: nullable(fen("Sum of the targets ahead; null unless waiting.")),
          needed_fen: nullable(fen("Ahead + target − pool, at least 0; null unless waiting.")),
          pool_fen: fen("What the queue's pool holds now."),
          created_at: timestamp,
          settled_at: { type: ["string", "null"], format: "date-time" },
        },
      },
      Problem: {
        type: "object",
        description: "RFC 9457 problem details.",
        required: ["type", "title", "status", "detail", "code"],
        properties: {
          type: { type: "string", format: "uri", pattern: `^${PROBLEM_TYPE_PREFIX}` },
          title: { type: "string" },
          status: { type: "integer", minimum: 400, maximum: 599 },
          detail: { type: "string" },
          code: { type: "string", enum: Object.keys(PROBLEMS) },
          field: { type: "string", description: "The input the problem is about, when there is one." },
          errors: {
            type: "array",
            description: "For `invalid_input`: one item per invalid field.",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["path", "message"],
              properties: { path: { type: "string" }, message: { type: "string" } },
            },
          },
        },
      },
    },
  },
} as const;
