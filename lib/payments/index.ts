import { DomainError } from "@/lib/errors";
import { devProvider } from "./dev";
import { posProvider } from "./pos";
import type { PaymentProvider } from "./provider";

// A Map, not an object: the id comes from the URL, and `constructor` or `toString` looked up on an
// object literal would find Object.prototype's members instead of "no such provider".
const PROVIDERS: ReadonlyMap<string, PaymentProvider> = new Map([devProvider, posProvider].map((p) => [p.id, p]));

export function paymentProvider(id: string): PaymentProvider {
  const p = PROVIDERS.get(id);
  if (!p) throw new DomainError("not_found", `unknown payment provider ${id}`);
  return p;
}

export type { PaymentEvent, PaymentProvider } from "./provider";
