import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { UNAVAILABLE_MESSAGE, unavailableReason } from "@/db/errors";
import { isDomainError } from "@/lib/errors";
import { getViewer, hasRole, type Role, type Viewer } from "./session";

/**
 * Server actions for `useActionState`, after saas-starter's validatedAction:
 * one helper checks who is asking, parses the form with zod and maps errors, so no action does
 * it by hand. Nothing runs (and nothing is written) unless both checks pass.
 */

/** Who may call an action: a role, several roles, any signed-in user, or anyone. */
export type Access = Role | readonly Role[] | "any" | "public";

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

export type ActionContext<A extends Access> = { viewer: ViewerFor<A>; formData: FormData };

/** The message used for every unexpected failure: details go to the server log only. */
export const GENERIC_ERROR = "操作失败，请稍后再试";

const zhCN = z.locales.zhCN().localeError;

/** Clear Chinese messages for zod's built-in checks (schemas' own messages take precedence). */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type" && (issue.input === undefined || issue.input === null)) return "请填写此项";
  if (issue.code === "too_small" && issue.origin === "string" && issue.minimum === 1) return "请填写此项";
  return zhCN(issue);
};

/** Form fields whose values are never echoed back. */
const SECRET_FIELD = /pass|confirm|secret|token|key/i;

function formToObject(formData: FormData): { input: Record<string, string>; values: Record<string, string> } {
  const input: Record<string, string> = {};
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    // React adds $ACTION_* fields for progressive enhancement; files are not form strings.
    if (key.startsWith("$ACTION") || typeof value !== "string") continue;
    input[key] = value;
    if (!SECRET_FIELD.test(key)) values[key] = value.slice(0, 500);
  }
  return { input, values };
}

function fail(error: string, extra?: Omit<ActionError, "ok" | "error">): ActionError {
  return { ok: false, error, ...extra };
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
): (prev: ActionState<T>, formData: FormData) => Promise<ActionState<T>> {
  return async (_prev, formData) => {
    const { input, values } = formToObject(formData);
    try {
      const viewer = await getViewer();
      if (access !== "public") {
        if (!viewer) return fail("请先登录 / please sign in", { values });
        if (access !== "any" && !hasRole(viewer, access as Role | readonly Role[])) {
          return fail("没有权限执行此操作 / not allowed", { values });
        }
      }

      const parsed = schema.safeParse(input, { error: errorMap });
      if (!parsed.success) {
        const fieldErrors: Record<string, string> = {};
        let formError: string | undefined;
        for (const issue of parsed.error.issues) {
          const key = issue.path.length > 0 ? String(issue.path[0]) : undefined;
          if (key === undefined) formError ??= issue.message;
          else fieldErrors[key] ??= issue.message;
        }
        return fail(formError ?? "请检查填写的内容", { fieldErrors, values });
      }

      const data = await fn(parsed.data, { viewer: viewer as ViewerFor<A>, formData });
      return { ok: true, ...(data ?? {}) } as { ok: true } & T;
    } catch (e) {
      unstable_rethrow(e);
      if (isDomainError(e)) {
        return fail(e.message, {
          ...(e.field ? { field: e.field, fieldErrors: { [e.field]: e.message } } : {}),
          values,
        });
      }
      const unavailable = unavailableReason(e);
      if (unavailable) {
        // Database down, restarting, or a lock/statement timeout: rolled back (or, if the connection
        // broke during COMMIT, unknown), so the user retries; idempotency keys make that safe.
        console.error(`[action] database unavailable (${unavailable}):`, e instanceof Error ? e.message : e);
        return fail(UNAVAILABLE_MESSAGE, { values });
      }
      console.error("[action] unexpected error:", e);
      return fail(GENERIC_ERROR, { values });
    }
  };
}
