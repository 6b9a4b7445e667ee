import "server-only";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { createAlipayProvider } from "./alipay/provider";
import { alipayConfigFromEnv, wechatConfigFromEnv } from "./config";
import { devProvider } from "./dev";
import { posProvider } from "./pos";
import type { PayerDevice, PaymentProvider } from "./provider";
import { createWechatProvider } from "./wechat/provider";

/** The real providers configured in the environment (lib/env.ts has checked they are complete). */
function configuredProviders(): PaymentProvider[] {
  const out: PaymentProvider[] = [];
  const wechat = wechatConfigFromEnv();
  if (wechat) out.push(createWechatProvider(wechat));
  const alipay = alipayConfigFromEnv();
  if (alipay) out.push(createAlipayProvider(alipay));
  return out;
}

/** The providers by id, and which of them may deliver notifications to the webhook. */
export function buildRegistry(real: PaymentProvider[]) {
  // Maps, never property lookup on an object: a provider id from the URL such as "constructor"
  // or "__proto__" must find nothing.
  const all = new Map<string, PaymentProvider>([devProvider, posProvider, ...real].map((p) => [p.id, p]));
  // The dev provider's webhook pays an order with no money behind it: it is open only while no
  // real provider is configured (a demo), never beside real ones.
  const notifying = new Map<string, PaymentProvider>((real.length > 0 ? [posProvider, ...real] : [devProvider, posProvider]).map((p) => [p.id, p]));
  return { all, notifying };
}

const REAL = configuredProviders();
const REGISTRY = buildRegistry(REAL);

function find(map: Map<string, PaymentProvider>, id: string): PaymentProvider {
  const p = map.get(id);
  if (!p) throw new DomainError("not_found", `unknown payment provider ${id}`);
  return p;
}

/** The provider with this id (to query, close or refund); DomainError("not_found") when there is none. */
export function paymentProvider(id: string): PaymentProvider {
  return find(REGISTRY.all, id);
}

/** The provider whose notification the webhook is receiving; DomainError("not_found") for any other. */
export function notifyingProvider(id: string): PaymentProvider {
  return find(REGISTRY.notifying, id);
}

/** Whether orders of this provider moved no real money (false for one no longer configured). */
export function isSimulated(id: string): boolean {
  return REGISTRY.all.get(id)?.simulated ?? false;
}

/**
 * The providers a customer may pay a new checkout with: the configured real ones the platform has
 * not turned off (PAYMENT_DISABLED), or the simulated dev provider when no real one is configured
 * (a fresh clone, a demo).
 */
export function checkoutProviders(): string[] {
  if (REAL.length === 0) return [devProvider.id];
  const off = new Set((env.PAYMENT_DISABLED ?? "").split(",").filter(Boolean));
  return REAL.map((p) => p.id).filter((id) => !off.has(id));
}

/**
 * The provider a withdrawal to a bound account of this kind is transferred through: the real one
 * of that kind, or the simulated dev provider while no real provider is configured (a fresh clone,
 * a demo). Null when real providers are configured but not this one: such an account cannot be
 * paid, so it is neither offered for binding nor approved.
 */
export function payoutProviderId(kind: "wechat" | "alipay"): string | null {
  if (REAL.length === 0) return devProvider.id;
  return REAL.some((p) => p.id === kind) ? kind : null;
}

/**
 * The providers whose bills the daily reconciliation compares with the ledger: every configured
 * real one (also one the platform turned off: its refunds and late payments still move money),
 * and the dev provider, whose "bill" is the ledger's own records (DayBill).
 */
export function reconciledProviders(): string[] {
  return [devProvider.id, ...REAL.map((p) => p.id)];
}

/**
 * Which provider a browser pays with: WeChat's browser gets WeChat Pay and Alipay's gets Alipay
 * (each can only pay with its own); any other browser gets a choice, answered as null.
 */
export function providerForDevice(device: PayerDevice, available = checkoutProviders()): string | null {
  if (available.length === 1) return available[0]!;
  if (device === "wechat" && available.includes("wechat")) return "wechat";
  if (device === "alipay" && available.includes("alipay")) return "alipay";
  return null;
}

/** The device class of a User-Agent, for providerForDevice and the payment product. */
export function payerDevice(userAgent: string | null): PayerDevice {
  const ua = userAgent ?? "";
  if (/MicroMessenger\//i.test(ua)) return "wechat";
  if (/AlipayClient\//i.test(ua)) return "alipay";
  if (/Mobile|Android|iPhone|iPad|HarmonyOS/i.test(ua)) return "phone";
  return "desktop";
}

export type {
  BillRow,
  CreatePaymentRequest,
  DayBill,
  MoneyOutResult,
  NotificationOutcome,
  PayerDevice,
  PaymentAction,
  PaymentEvent,
  PaymentProvider,
  PaymentStatus,
  PayoutAccount,
} from "./provider";
export { BillNotReadyError, ProviderRecordNotFoundError, ProviderUnavailableError } from "./provider";
