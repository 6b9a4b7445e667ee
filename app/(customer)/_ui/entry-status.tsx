import { useTranslations } from "next-intl";
import { Badge } from "@/app/_components";
import { ENTRY_STATUSES, ENTRY_TONE, type EntryStatus } from "./labels";

/** A queue entry's status as the customer sees it; a draw win reads 抽奖免单 rather than 已免单. */
export function EntryStatusBadge({ status, paidKind }: { status: string; paidKind: string | null }) {
  const t = useTranslations("customer.shared.entryStatus");
  const s: EntryStatus = (ENTRY_STATUSES as readonly string[]).includes(status) ? (status as EntryStatus) : "waiting";
  return <Badge tone={ENTRY_TONE[s]}>{paidKind === "draw" ? t("draw") : t(s)}</Badge>;
}
