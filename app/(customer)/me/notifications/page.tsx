import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, buttonClass, Card, EmptyState, PageHeader } from "@/app/_components";
import { localeOr } from "@/i18n/config";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { listNotifications, unreadCount } from "@/lib/notifications/list";
import { notificationText } from "@/lib/notifications/text";
import { ActionButton } from "./action-button";
import { markAllReadAction, markReadAction } from "./actions";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, ts] = await Promise.all([getTranslations("notifications.list"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

/** The customer's notifications, newest first, rendered from kind and parameters in the reader's language. */
export default async function NotificationsPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const viewer = await requireViewer(undefined, { next: "/me/notifications" });
  const { before } = await searchParams;
  const beforeId = before && /^[1-9]\d{0,15}$/.test(before) ? Number(before) : undefined;
  const [t, rawLocale, page, unread] = await Promise.all([
    getTranslations("notifications.list"),
    getLocale(),
    listNotifications(viewer.userId, { beforeId }),
    unreadCount(viewer.userId),
  ]);
  const locale = localeOr(rawLocale);

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <PageHeader
        title={t("title")}
        description={unread > 0 ? t("unreadCount", { count: unread }) : undefined}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            {unread > 0 ? <ActionButton action={markAllReadAction} label={t("markAllRead")} testId="mark-all-read" /> : null}
            <Link href="/me/notifications/settings" className="inline-flex min-h-11 min-w-11 items-center text-sm font-medium text-brand-700 underline">
              {t("settings")}
            </Link>
          </div>
        }
      />
      {page.items.length === 0 ? (
        <EmptyState title={t("empty")} description={t("emptyHint")} />
      ) : (
        <ul className="space-y-3" data-testid="notification-list">
          {page.items.map((n) => {
            const text = notificationText(locale, n);
            return (
              <li key={n.id}>
                <Card className={n.read ? "" : "ring-2 ring-brand-200"}>
                  <article data-testid="notification" data-kind={n.kind} data-read={n.read ? "true" : "false"} className="flex items-start gap-3">
                    <div className="min-w-0 flex-1">
                      <h2 className="flex flex-wrap items-center gap-2 text-base font-semibold text-ink">
                        {text.title}
                        {n.read ? null : <Badge tone="brand">{t("unread")}</Badge>}
                      </h2>
                      <p className="mt-1 text-sm break-words text-ink">{text.body}</p>
                      <p className="mt-1 text-xs text-muted">
                        <time dateTime={n.createdAt.toISOString()}>{formatShortDateTime(n.createdAt, { locale })}</time>
                      </p>
                    </div>
                    {n.read ? null : <ActionButton action={markReadAction} fields={{ id: String(n.id) }} label={t("markRead")} variant="ghost" testId="mark-read" />}
                  </article>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      {page.more ? (
        <p className="text-center">
          <Link href={`/me/notifications?before=${page.items.at(-1)!.id}`} className={buttonClass("secondary", "md")}>
            {t("older")}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
