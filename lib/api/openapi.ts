import { z } from "zod";
import { MAX_ORDER_FEN } from "@/db/schema";
import { posOrderSchema, type PosOrderResponse } from "./orders";
import { PROBLEMS, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX, type Problem } from "./problem";
import type { EntryView, QueueView } from "./read";

/**
 * The OpenAPI 3.1 document of the POS API, served at /api/v1/openapi.json. Its schemas are made by
 * zod (`z.toJSONSchema`, JSON Schema 2020-12): the request's from the schema the route parses with,
 * the responses' from the schemas below, which the compiler holds to the routes' own types. They
 * describe every response exactly (no other properties), so the e2e journey checks the real
 * answers against them.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const id = () => z.int().min(1);

function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref("Problem") } } };
}
const fen = (description: string) => z.int().min(0).describe(description);
const timestamp = () => z.iso.datetime();

const orderEntrySchema = z.strictObject({
  id: id().describe("Use with GET /entries/{id}."),
  position: z.int().min(1).describe("Waiting entries ahead + 1, when the order was confirmed."),
  target_fen: z.int().min(1).describe("What this entry pays out when freed."),
});

const orderSchema = z.strictObject({
  order_no: z.string().regex(/^FL[0-9]{6}[0-9A-Z]{8}$/),
  status: z.literal("paid"),
  amount_fen: z.int().min(1).max(MAX_ORDER_FEN),
  points_earned: z.int().min(0).describe("Green points, locked at first and released over time."),
  pos_ref: z.string().nullable(),
  entries: z
    .array(orderEntrySchema)
    .describe("Empty when the order is below the store's minimum for the queue (it still earns points)."),
  created_at: timestamp(),
});

const queueSchema = z.strictObject({
  queue_id: id(),
  payout_mode: z.enum(["auto", "manual"]),
  pool_fen: fen("What the pool holds."),
  head_target_fen: z.int().min(1).nullable().describe("The head entry's target; null when no one waits."),
  head_covered: z.boolean().describe("The pool covers the head (an auto queue pays it out shortly)."),
  waiting_count: z.int().min(0),
  waiting_fen: fen("Sum of the waiting entries' targets."),
});

const entrySchema = z.strictObject({
  id: id(),
  order_no: z.string(),
  status: z.enum(["waiting", "paid", "left", "cancelled"]),
  paid_kind: z.enum(["fifo", "draw"]).nullable(),
  target_fen: z.int().min(1),
  position: z.int().min(1).nullable().describe("Waiting entries ahead + 1; null unless waiting."),
  ahead_fen: z.int().min(0).nullable().describe("Sum of the targets ahead; null unless waiting."),
  needed_fen: z.int().min(0).nullable().describe("Ahead + target − pool, at least 0; null unless waiting."),
  pool_fen: fen("What the queue's pool holds now."),
  created_at: timestamp(),
  settled_at: timestamp().nullable(),
});

const problemSchema = z
  .looseObject({
    type: z.string().regex(new RegExp(`^${PROBLEM_TYPE_PREFIX}`)).meta({ format: "uri" }),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    code: z.enum(Object.keys(PROBLEMS) as [keyof typeof PROBLEMS, ...(keyof typeof PROBLEMS)[]]),
    field: z.string().optional().describe("The input the problem is about, when there is one."),
    errors: z
      .array(z.strictObject({ path: z.string(), message: z.string() }))
      .optional()
      .describe("For `invalid_input`: one item per invalid field."),
  })
  .describe("RFC 9457 problem details.");

/** The compiler's check that a schema and the type a route answers with are the same shape. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ResponseSchemasMatchTheRoutes = [
  Holds<Same<z.output<typeof orderSchema>, PosOrderResponse>>,
  Holds<Same<z.output<typeof queueSchema>, QueueView>>,
  Holds<Same<z.output<typeof entrySchema>, EntryView>>,
  Holds<Same<Pick<z.output<typeof problemSchema>, "type" | "title" | "status" | "detail" | "code">, Pick<Problem, "type" | "title" | "status" | "detail" | "code">>>,
];

/** Words for the request's fields (their rules come from the route's own schema). */
const REQUEST_FIELDS: Record<keyof z.input<typeof posOrderSchema>, string> = {
  customer: "The customer's registered phone number or user name (case does not matter).",
  amount_fen: "The amount paid, in fen (¥12.34 is 1234).",
  pos_ref: "The POS's own reference for the payment, kept on the order.",
};

/** components.schemas: each a JSON Schema of its own, referring to the others by `$ref`. */
function componentSchemas(): Record<string, Record<string, unknown>> {
  const named = z.registry<{ id: string }>();
  named.add(posOrderSchema, { id: "OrderRequest" });
  named.add(orderEntrySchema, { id: "OrderEntry" });
  named.add(orderSchema, { id: "Order" });
  named.add(queueSchema, { id: "Queue" });
  named.add(entrySchema, { id: "Entry" });
  named.add(problemSchema, { id: "Problem" });
  const uri = (name: string) => `#/components/schemas/${name}`;
  // The request is described as the client sends it, the responses as the server writes them.
  const request = z.toJSONSchema(posOrderSchema, { io: "input" }) as { properties: Record<string, Record<string, unknown>> };
  for (const [field, description] of Object.entries(REQUEST_FIELDS)) request.properties[field]!.description = description;
  const { schemas } = z.toJSONSchema(named, { uri, io: "output" });
  // Inside the document the dialect is the document's own (OpenAPI 3.1: 2020-12), and a schema is
  // named by its place, not by an $id of its own.
  const bare = ({ $schema: _dialect, $id: _id, ...schema }: Record<string, unknown>) => schema;
  return {
    ...Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, bare(schema)])),
    OrderRequest: bare(request),
  };
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
    schemas: componentSchemas(),
  },
} as const;
