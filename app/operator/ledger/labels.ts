import { createTranslator } from "next-intl";
import type { Locale } from "@/i18n/config";
import { messages } from "@/i18n/messages";
import type { AccountKind, AccountOwner } from "@/lib/ledger/reports";
import { formatFen } from "@/lib/money/format";

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * The ledger in the console's words, in one language (messages/<locale>/operator.json, `ledger.labels`):
 * account kinds, transaction kinds, invariants, amounts and owners. Server pages and the check
 * panel in the browser use the same helper.
 */
export function ledgerText(locale: Locale) {
  const t = createTranslator({ locale, messages: messages[locale], namespace: "operator.ledger.labels" });
  const has = t.has as (key: string) => boolean;

  /** An account kind's name. */
  const kind = (k: AccountKind): string => t(`kind.${k}`);

  /** A ledger transaction kind's name; an unknown one shows its code. */
  const tx = (k: string): string => (has(`tx.${k}`) ? t(`tx.${k}` as "tx.order_paid") : k);

  /** What an invariant means (SPEC: The ledger); an unknown one gets `fallback`. */
  const invariant = (id: string, fallback: string): string => (has(`invariant.${id}`) ? t(`invariant.${id}` as "invariant.I1") : fallback);

  /** An amount in its asset's unit: ¥ for CNY (fen), points for PTS. `signed` adds + to gains. */
  function amount(asset: "CNY" | "PTS", n: number, signed = false): string {
    const plus = signed && n > 0 ? "+" : "";
    if (asset === "CNY") return `${plus}${formatFen(n)}`;
    const sign = n < 0 ? "-" : plus;
    return t("points", { amount: `${sign}${grouped(Math.abs(n))}` });
  }

  /** Who an account belongs to, in one line. */
  function owner(o: AccountOwner): string {
    switch (o.type) {
      case "platform":
        return t("owner.platform");
      case "user":
        return t("owner.user", { name: o.displayName, username: o.username, id: o.userId });
      case "merchant":
        return t("owner.merchant", { name: o.name, slug: o.slug, id: o.merchantId });
      case "queue":
        return t("owner.queue", { name: o.name, id: o.queueId });
    }
  }

  return { kind, tx, invariant, amount, owner };
}
