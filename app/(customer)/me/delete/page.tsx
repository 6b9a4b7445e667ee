import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { errorText } from "@/i18n/errors";
import { requireViewer } from "@/lib/auth/session";
import { formatFen } from "@/lib/money/format";
import { blockerError, deletionPreview, type DeletionBlocker } from "@/lib/privacy/deletion";
import { DeleteForm } from "./delete-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("privacy.delete");
  return { title: t("metaTitle") };
}

/** Where each blocker is dealt with. */
const FIX: Record<DeletionBlocker["kind"], { href: string; label: "leaveLink" | "withdrawLink" | "ordersLink" } | null> = {
  waiting: { href: "/me", label: "leaveLink" },
  wallet: { href: "/me/wallet", label: "withdrawLink" },
  withdrawal: { href: "/me/wallet", label: "withdrawLink" },
  refund: null,
  pendingOrder: { href: "/me", label: "ordersLink" },
  store: null,
};

/** Delete my account: what stands in the way (and what to do), what is kept, and the form. */
export default async function DeletePage() {
  const viewer = await requireViewer(undefined, { next: "/me/delete" });
  const [preview, t] = await Promise.all([deletionPreview(viewer.userId), getTranslations("privacy.delete")]);
  const reasons = await Promise.all(
    preview.blockers.map(async (b) => {
      const e = blockerError(b);
      return { kind: b.kind, text: await errorText(e.message, e.params) };
    }),
  );
  return (
    <div className="mx-auto max-w-md space-y-4">
      <PageHeader title={t("title")} description={t("description")} back={{ href: "/me", label: t("back") }} />
      {reasons.length > 0 ? (
        <Card title={t("blockedTitle")}>
          <ul className="space-y-3 text-sm" data-testid="delete-blockers">
            {reasons.map((r) => {
              const fix = FIX[r.kind];
              return (
                <li key={r.kind} className="space-y-1" data-testid={`blocker-${r.kind}`}>
                  <p>{r.text}</p>
                  {r.kind === "waiting" ? (
                    <ul className="list-disc pl-5 text-muted">
                      {preview.waiting.map((w) => (
                        <li key={w.entryId} data-testid="waiting-quote">
                          {t("waitingEntry", { queue: w.queueName, target: formatFen(w.targetFen), points: w.points })}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {fix ? (
                    <Link href={fix.href} className="inline-flex min-h-11 items-center font-medium text-brand-700 underline">
                      {t(fix.label)}
                    </Link>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </Card>
      ) : (
        <Card>
          <div className="space-y-4">
            <p className={preview.points > 0 ? "rounded-xl bg-red-50 px-3 py-2 text-sm text-red-800" : "text-sm text-muted"} role={preview.points > 0 ? "alert" : undefined} data-testid="points-warning">
              {preview.points > 0 ? t("pointsWarning", { points: preview.points }) : t("noPoints")}
            </p>
            <DeleteForm points={preview.points} />
          </div>
        </Card>
      )}
      <Card title={t("keptTitle")}>
        <p className="text-sm text-muted">{t("kept")}</p>
      </Card>
    </div>
  );
}
