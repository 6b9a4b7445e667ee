import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { isSwitchable, NOTIFICATION_KINDS } from "@/lib/notifications/kinds";
import { vapidKeys } from "@/lib/notifications/push";
import { channelSettings, hasPhone } from "@/lib/notifications/settings";
import { PushToggle } from "./push-toggle";
import { SettingsForm } from "./settings-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, ts] = await Promise.all([getTranslations("notifications.settings"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

/** Per kind, whether push and SMS are on; this browser's push subscription. Security is always on. */
export default async function NotificationSettingsPage() {
  const viewer = await requireViewer(undefined, { next: "/me/notifications/settings" });
  const [t, tk, tp, settings, phone] = await Promise.all([
    getTranslations("notifications.settings"),
    getTranslations("notifications.kinds"),
    getTranslations("notifications.push"),
    channelSettings(viewer.userId),
    hasPhone(viewer.userId),
  ]);
  const rows = NOTIFICATION_KINDS.map((kind) => ({ kind, label: tk(`${kind}.label`), switchable: isSwitchable(kind), on: settings[kind] }));
  const pushTexts = {
    on: tp("on"),
    off: tp("off"),
    enable: tp("enable"),
    enabling: tp("enabling"),
    disable: tp("disable"),
    unsupported: tp("unsupported"),
    denied: tp("denied"),
    serverOff: tp("serverOff"),
    failed: tp("failed"),
  };
  return (
    <div className="mx-auto max-w-md space-y-4">
      <PageHeader title={t("title")} description={t("intro")} back={{ href: "/me/notifications", label: t("back") }} />
      <Card title={tp("title")}>
        <PushToggle publicKey={vapidKeys()?.publicKey ?? null} texts={pushTexts} />
      </Card>
      <Card>
        {phone ? null : <p className="mb-3 text-sm text-muted">{t("noPhone")}</p>}
        <SettingsForm
          rows={rows}
          texts={{ kind: t("kind"), push: t("push"), sms: t("sms"), alwaysOn: t("alwaysOn"), save: t("save"), saving: t("saving"), saved: t("saved") }}
        />
      </Card>
    </div>
  );
}
