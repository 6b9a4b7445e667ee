import { DomainError } from "@/lib/errors";
import { devProvider } from "./dev";
import { posProvider } from "./pos";
import type { PaymentProvider } from "./provider";

const PROVIDERS: Record<string, PaymentProvider> = { [devProvider.id]: devProvider, [posProvider.id]: posProvider };

export function paymentProvider(id: string): PaymentProvider {
  const p = PROVIDERS[id];
  if (!p) throw new DomainError("not_found", `unknown payment provider ${id}`);
  return p;
}

export type { PaymentEvent, PaymentProvider } from "./provider";
