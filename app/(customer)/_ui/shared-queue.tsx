import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { cn } from "@/app/_components";
import { allianceOfQueue, type AllianceView } from "@/lib/merchants/alliances";

/**
 * For a store in an alliance (异业联盟): "与 X、Y 共享排队", naming the other stores whose orders fill the
 * same pool and join the same queue. Renders nothing for a store with a queue of its own.
 * `merchantId` is the store being shown, left out of the list. `alliance` is the alliance when the
 * page has read it already (the store page reads it from its cache).
 */
export async function SharedQueue({
  queueId,
  merchantId,
  className,
  alliance: known,
}: {
  queueId: number;
  merchantId?: number;
  className?: string;
  alliance?: AllianceView | null;
}) {
  const [alliance, t] = await Promise.all([
    known === undefined ? allianceOfQueue(queueId) : known,
    getTranslations("customer.shared.sharedQueue"),
  ]);
  if (!alliance) return null;
  const others = alliance.members.filter((m) => m.merchantId !== merchantId);
  if (others.length === 0) return null;
  return (
    <div className={cn("rounded-xl bg-brand-50 px-3 py-2 text-sm text-ink", className)} data-testid="shared-queue">
      <p>
        <span className="font-medium">{alliance.name}</span>
        <span className="text-muted"> · </span>
        {t.rich("with", {
          stores: () =>
            others.map((m, i) => (
              <span key={m.merchantId}>
                {i > 0 ? t("separator") : null}
                <Link href={`/s/${m.slug}`} className="font-medium text-brand-700 underline">
                  {m.name}
                </Link>
              </span>
            )),
        })}
      </p>
      <p className="mt-0.5 text-xs text-muted">{t("body")}</p>
    </div>
  );
}
