import { DomainError } from "@/lib/errors";
import { devProvider } from "./dev";
import { posProvider } from "./pos";
import type { PaymentProvider } from "./provider";

// A Map, never property lookup on an object: a provider id from the URL such as "constructor" or
// "__proto__" must find nothing.
const PROVIDERS = new Map<string, PaymentProvider>([devProvider, posProvider].map((p) => [p.id, p]));

/** The provider with this id; DomainError("not_found") when there is none. */
export function paymentProvider(id: string): PaymentProvider {
  const p = PROVIDERS.get(id);
  if (!p) throw new DomainError("not_found", `unknown payment provider ${id}`);
  return p;
}

export type {
  MoneyOutResult,
  NotificationOutcome,
  PaymentAction,
  PaymentEvent,
  PaymentProvider,
  PaymentStatus,
  PayoutAccount,
} from "./provider";
