import { Badge } from "@/app/_components";
import { ENTRY_STATUS } from "./labels";

/** A queue entry's status as the customer sees it; a draw win reads 抽奖免单 rather than 已免单. */
export function EntryStatusBadge({ status, paidKind }: { status: string; paidKind: string | null }) {
  const s = ENTRY_STATUS[status]!;
  return <Badge tone={s.tone}>{paidKind === "draw" ? "抽奖免单" : s.label}</Badge>;
}
