"use client";

import { useTranslations } from "next-intl";
import { useId, useRef } from "react";
import { Button, Dialog } from "@/app/_components";
import { logout } from "@/app/(auth)/actions";

/**
 * 退出登录, asked first: a tap by mistake on a shared phone would otherwise end the session (and
 * every other one of the account, lib/auth) with no way back but the password.
 */
export function LogoutButton() {
  const t = useTranslations("customer.logout");
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <Button variant="secondary" onClick={() => ref.current?.showModal()} aria-haspopup="dialog" data-testid="logout">
        {t("open")}
      </Button>
      <Dialog ref={ref} aria-labelledby={titleId} data-testid="logout-dialog">
        <h2 id={titleId} className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="mt-2 text-sm text-muted">{t("body")}</p>
        <form action={logout} className="mt-5 flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={() => ref.current?.close()}>
            {t("cancel")}
          </Button>
          <Button type="submit" variant="danger" autoFocus>
            {t("confirm")}
          </Button>
        </form>
      </Dialog>
    </>
  );
}
