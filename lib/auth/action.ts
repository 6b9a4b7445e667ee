import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { unavailableReason } from "@/db/errors";
import type { Locale } from "@/i18n/config";
import { translateError } from "@/i18n/errors";
import { requestLocale } from "@/i18n/locale";
import { isDomainError, type MessageParams } from "@/lib/errors";
import { hasUnstorableText } from "@/lib/format/unstorable-text";
import { addLogContext, log, withLogContext, type LogContext } from "@/lib/observability/log";
import { REQUEST_ID_HEADER } from "@/lib/observability/request-id";
import { logRequest } from "@/lib/observability/request-log";
import { inSpan, pathTemplate } from "@/lib/observability/tracing";
import { PATH_HEADER } from "./next-path";
import { getViewer, hasRole, storeAccessOf, type Role, type StoreAccess, type Viewer } from "./session";

/**
 * Server actions for `useActionState`, after saas-starter's validatedAction:
 * one helper checks who is asking, parses the form with zod and maps errors, so no action does
 * it by hand. Nothing runs (and nothing is written) unless both checks pass.
 */

/**
 * Who may call an action: a role, several roles, any signed-in user, anyone, or "store": whoever
 * works at an approved store, its owner or a cashier (lib/auth/session.ts, storeAccessOf).
 */
export type Access = Role | readonly Role[] | "any" | "public" | "store";

export type ActionError = {
  ok: false;
  /** A message for the whole form (or the one field named in `field`). */
  error: string;
  /** The field a domain error belongs next to. */
  field?: string;
  /** One message per invalid field, from validation. */
  fieldErrors?: Record<string, string>;
  /** What was submitted (never passwords), so the form can keep it. */
  values?: Record<string, string>;
};

export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionError;
/** The `useActionState` state: null before the first submit. */
export type ActionState<T extends object = object> = ActionResult<T> | null;

type ViewerFor<A extends Access> = A extends "public" ? Viewer | null : Viewer;

/** `store`: for "store" actions, the store the caller works at and how (read once, by the access check). */
export type ActionContext<A extends Access> = { viewer: ViewerFor<A>; formData: FormData } & (A extends "store" ? { store: StoreAccess } : unknown);

/** The message code used for every unexpected failure: details go to the server log only. */
export const GENERIC_ERROR = "action.failed";

const ZOD_LOCALE: Record<Locale, z.core.$ZodErrorMap> = { "zh-CN": z.locales.zhCN().localeError, en: z.locales.en().localeError };

/**
 * Messages for zod's built-in checks in the reader's language (schemas' own messages, which are
 * message codes or text, take precedence). An empty required field reads "please fill this in".
 */
function errorMapFor(locale: Locale): z.core.$ZodErrorMap {
  return (issue) => {
    if (issue.code === "invalid_type" && (issue.input === undefined || issue.input === null)) return "form.required";
    if (issue.code === "too_small" && issue.origin === "string" && issue.minimum === 1) return "form.required";
    return ZOD_LOCALE[locale](issue);
  };
}

/** Form fields whose values are never echoed back. */
const SECRET_FIELD = /pass|confirm|secret|token|key/i;

function formToObject(formData: FormData): { input: Record<string, string>; values: Record<string, string> } {
  const input: Record<string, string> = {};
  const values: Record<string, string> = {};
  // A hand-made request can send arguments that are not a form (`["$K1"]` as text/plain leaves the
  // form argument undefined): that is an empty form, which the schema then refuses with its messages.
  if (!(formData instanceof FormData)) return { input, values };
  for (const [key, value] of formData.entries()) {
    // React adds $ACTION_* fields for progressive enhancement; files are not form strings.
    if (key.startsWith("$ACTION") || typeof value !== "string") continue;
    input[key] = value;
    if (!SECRET_FIELD.test(key)) values[key] = value.slice(0, 500);
  }
  return { input, values };
}

function failWith(error: string, extra?: Omit<ActionError, "ok" | "error">): ActionError {
  return { ok: false, error, ...extra };
}

/**
 * What the log says of an action: the request id (proxy.ts), and the action as Next names it (its
 * id, the `next-action` header) with the page it was posted from. Empty outside a request (tests).
 */
async function actionLogContext(): Promise<{ context: LogContext; page: string | null }> {
  try {
    const h = await headers();
    const page = h.get(PATH_HEADER)?.split("?")[0] ?? null;
    return {
      context: { requestId: h.get(REQUEST_ID_HEADER) ?? undefined, action: `${h.get("next-action") ?? "form"}${page ? ` on ${page}` : ""}` },
      page,
    };
  } catch (e) {
    unstable_rethrow(e);
    return { context: {}, page: null };
  }
}

/** The outcome of an action, for its log line. */
function outcomeOf(result: ActionState<object>): string {
  if (result?.ok) return "ok";
  return result?.fieldErrors ? "invalid" : "refused";
}

/**
 * Wraps a server action: checks access, parses FormData with `schema`, runs `fn`, and maps
 * DomainError to `{ error, field }`, zod issues to `{ error, fieldErrors }`, success to
 * `{ ok: true, ...data }`. redirect()/notFound()/forbidden() thrown inside pass through.
 */
export function validatedAction<S extends z.ZodType, A extends Access, T extends object = object>(
  schema: S,
  access: A,
  fn: (data: z.output<S>, ctx: ActionContext<A>) => Promise<T | void>,
  /**
   * `beforeConsent`: the action runs for a signed-in person who has not agreed to the current
   * privacy notice (agreeing to it, deleting the account). Every other one refuses them first.
   */
  opts: { beforeConsent?: boolean } = {},
): (prev: ActionState<T>, formData: FormData) => Promise<ActionState<T>> {
  // `seen` records a failure the log should tell apart from a plain refusal.
  const handle = async (_prev: ActionState<T>, formData: FormData, seen: { outcome?: string }): Promise<ActionState<T>> => {
    const { input, values } = formToObject(formData);
    const locale = await requestLocale();
    const tr = (message: string, params?: Parameters<typeof translateError>[2]) => translateError(locale, message, params);
    const fail = (error: string, extra?: Omit<ActionError, "ok" | "error">) => failWith(tr(error), extra);
    try {
      const viewer = await getViewer();
      if (viewer) addLogContext({ userId: viewer.userId });
      let store: StoreAccess | null = null;
      if (access !== "public") {
        if (!viewer) return fail("action.signIn", { values });
        if (access === "store") {
          store = await storeAccessOf(viewer);
          if (!store) return fail("action.forbidden", { values });
        } else if (access !== "any" && !hasRole(viewer, access as Role | readonly Role[])) {
          return fail("action.forbidden", { values });
        }
        if (viewer.consentDue && !opts.beforeConsent) return fail("privacy.consentDue", { values });
      }

      // Postgres cannot store a NUL, and a query with one fails instead of matching nothing: refused
      // here for every action, before any schema or lookup sees it.
      const unstorable = Object.keys(input).filter((k) => hasUnstorableText(input[k]!));
      if (unstorable.length > 0) {
        return fail("form.check", { fieldErrors: Object.fromEntries(unstorable.map((k) => [k, tr("form.unstorable")])), values });
      }

      const parsed = schema.safeParse(input, { error: errorMapFor(locale) });
      if (!parsed.success) {
        const fieldErrors: Record<string, string> = {};
        let formError: string | undefined;
        for (const issue of parsed.error.issues) {
          const key = issue.path.length > 0 ? String(issue.path[0]) : undefined;
          // A custom issue's params are its message code's arguments.
          const text = tr(issue.message, issue.code === "custom" ? (issue.params as MessageParams | undefined) : undefined);
          if (key === undefined) formError ??= text;
          else fieldErrors[key] ??= text;
        }
        return formError ? failWith(formError, { fieldErrors, values }) : fail("form.check", { fieldErrors, values });
      }

      const data = await fn(parsed.data, { viewer: viewer as ViewerFor<A>, formData, ...(store ? { store } : {}) } as ActionContext<A>);
      return { ok: true, ...(data ?? {}) } as { ok: true } & T;
    } catch (e) {
      unstable_rethrow(e);
      if (isDomainError(e)) {
        const message = tr(e.message, e.params);
        return failWith(message, {
          ...(e.field ? { field: e.field, fieldErrors: { [e.field]: message } } : {}),
          values,
        });
      }
      const unavailable = unavailableReason(e);
      if (unavailable) {
        // Database down, restarting, or a lock/statement timeout: rolled back (or, if the connection
        // broke during COMMIT, unknown), so the user retries; idempotency keys make that safe.
        log.warn({ err: e, reason: unavailable }, "database unavailable");
        seen.outcome = "unavailable";
        return fail("action.unavailable", { values });
      }
      log.error({ err: e }, "action failed");
      seen.outcome = "error";
      return fail(GENERIC_ERROR, { values });
    }
  };
  return async (prev, formData) => {
    const startedAt = performance.now();
    const { context, page } = await actionLogContext();
    // One span per action, named by the page it was posted from (ids and slugs as placeholders).
    const attributes = { "next.action": context.action ?? "form", ...(context.requestId ? { "freeline.request_id": context.requestId } : {}) };
    return withLogContext(context, () =>
      inSpan(`action ${page ? pathTemplate(page) : "form"}`, attributes, async () => {
        const seen: { outcome?: string } = {};
        const result = await handle(prev, formData, seen);
        logRequest("action", seen.outcome ?? outcomeOf(result), startedAt);
        return result;
      }),
    );
  };
}
