import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "@/lib/env";
import { redact, redactText } from "./redact";

/**
 * The app's log: one JSON line per event on stdout (pino), for a collector to ship. Every line
 * carries what the current request or job is (request id, user, route or action, job), from an
 * AsyncLocalStorage the HTTP wrappers and the worker set, and passes through redact() (./redact.ts)
 * so secrets and personal data never reach it. Errors go in `err`, with their stack; answers to
 * clients never carry one (lib/http/route.ts, lib/auth/action.ts).
 */

export type LogContext = {
  requestId?: string;
  userId?: number;
  /** Route handler: method and path. */
  route?: string;
  /** Server action: its id, and the page it was posted from. */
  action?: string;
  /** Durable job: task and id. */
  job?: string;
  jobId?: string;
};

// On globalThis, like the logger: Next bundles this module once per route bundle, and a context set
// by one copy must be seen by the logger another copy made.
const shared = globalThis as unknown as { __freelineLogContext?: AsyncLocalStorage<LogContext>; __freelineProcessRole?: "web" | "worker" };
const context = (shared.__freelineLogContext ??= new AsyncLocalStorage<LogContext>());

/** Runs `fn` with these fields on every line it logs (nested calls add to the outer fields). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** Adds fields to the current context, once they are known (the user, after authentication). */
export function addLogContext(fields: LogContext): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}

export function currentLogContext(): LogContext {
  return { ...context.getStore() };
}

/** Which process writes: `web` (next) or `worker`; scripts/worker.ts sets it. */
export function setProcessRole(role: "web" | "worker"): void {
  shared.__freelineProcessRole = role;
}
export function getProcessRole(): "web" | "worker" {
  return shared.__freelineProcessRole ?? "web";
}

/** A logger writing to `dest` (stdout when omitted); tests pass a stream to read the lines back. */
export function createLogger(dest?: DestinationStream, level: string = env.LOG_LEVEL): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      formatters: {
        level: (label) => ({ level: label }),
        // The whole line but its message: the call's fields and the context's, redacted.
        log: (obj) => redact(obj) as Record<string, unknown>,
      },
      // redact() has already made errors plain objects (type, message, stack, fields, cause).
      serializers: { err: (e: unknown) => e },
      mixin: () => ({ proc: getProcessRole(), ...context.getStore() }),
      hooks: {
        // The message text is redacted too: it may quote a phone number or a credential.
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === "string" ? redactText(a) : a)) as Parameters<typeof method>;
          method.apply(this, clean);
        },
      },
    },
    dest,
  );
}

const g = globalThis as unknown as { __freelineLog?: Logger };
/** The process's logger (one per process, also across Next's route bundles). */
export const log: Logger = (g.__freelineLog ??= createLogger());
