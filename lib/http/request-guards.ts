/**
 * Requests Next.js itself answers with a 500 before any code of ours runs, refused earlier by
 * proxy.ts with a 4xx and a message:
 *
 * - a path whose %-encoding is not UTF-8 (`/orders/%E0%A4%A`): Next fails decoding a dynamic
 *   segment;
 * - a server action whose body Next cannot decode: a broken multipart body, a text/plain body that
 *   is not JSON, or any other type (React sends multipart/form-data, or text/plain holding the
 *   arguments as JSON when the form has no fields, as signing out does);
 * - a server action body over Next's 1 MB limit, which Next reports as an error, not a 413.
 */
import { localeOr, type Locale } from "@/i18n/config";
import en from "@/messages/en/common.json";
import zh from "@/messages/zh-CN/common.json";

/** Next's server action body limit (serverActions.bodySizeLimit, left at its default). */
export const MAX_ACTION_BODY_BYTES = 1024 * 1024;

export type RequestProblem = "malformedAddress" | "malformedBody" | "wrongBodyType" | "tooLarge";

export const PROBLEM_STATUS: Record<RequestProblem, number> = {
  malformedAddress: 400,
  malformedBody: 400,
  wrongBodyType: 415,
  tooLarge: 413,
};

const TEXT: Record<Locale, typeof en.badRequest> = { en: en.badRequest, "zh-CN": zh.badRequest };

/** The refusal's words in the visitor's language (the switcher's cookie), plain text. */
export function problemText(problem: RequestProblem, localeCookie: string | undefined): { text: string; locale: Locale } {
  const locale = localeOr(localeCookie);
  return { text: TEXT[locale][problem], locale };
}

/** Whether every segment of a raw (still encoded) path decodes as UTF-8. */
export function pathDecodes(rawPath: string): boolean {
  try {
    for (const segment of rawPath.split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const isMultipart = (contentType: string | null) => /^multipart\/form-data\s*;.*\bboundary=/i.test(contentType ?? "");
const isPlainText = (contentType: string | null) => /^text\/plain\s*(;|$)/i.test(contentType ?? "");

/** Whether the bytes are UTF-8 JSON, as React's reply is when it fits in one text. */
function isJsonText(bytes: ArrayBuffer): boolean {
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong with a page request's body, or null. Only writes are read, and of those only what
 * Next would decode as a server action: a `Next-Action` request, or a multipart post (a form
 * posted without JavaScript). `body` is read at most once, after the declared length was checked.
 */
export async function bodyProblem(
  method: string,
  headers: Headers,
  body: () => Promise<ArrayBuffer>,
): Promise<RequestProblem | null> {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const declared = Number(headers.get("content-length") ?? "0");
  if (declared > MAX_ACTION_BODY_BYTES) return "tooLarge";
  const contentType = headers.get("content-type");
  const action = headers.has("next-action");
  if (!action && !isMultipart(contentType)) return null;
  if (action && !isMultipart(contentType) && !isPlainText(contentType)) return "wrongBodyType";
  const bytes = await body();
  if (bytes.byteLength > MAX_ACTION_BODY_BYTES) return "tooLarge";
  // Next parses a text body as JSON without catching: anything else would be its 500.
  if (!isMultipart(contentType)) return isJsonText(bytes) ? null : "malformedBody";
  let form: FormData;
  try {
    form = await new Request("http://body.invalid/", { method: "POST", headers: { "content-type": contentType! }, body: bytes }).formData();
  } catch {
    return "malformedBody";
  }
  // A fetch action's arguments are row "0"; without it React waits for a row that never comes.
  if (action && !form.has("0")) return "malformedBody";
  // React's reply rows ("0" is the arguments, "1"… what they refer to; "$ACTION_1:0" for a form
  // posted without JavaScript) are JSON, which React parses without catching. A FormData
  // argument's own fields ("1_name") are plain strings, checked by the action's schema.
  for (const [name, value] of form.entries()) {
    if (!/^(\$ACTION_[^:]*:)?\d+$/.test(name) || typeof value !== "string") continue;
    try {
      JSON.parse(value);
    } catch {
      return "malformedBody";
    }
  }
  return null;
}
