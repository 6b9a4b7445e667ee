"use client";

import { useActionState, useState } from "react";
import { Button } from "@/app/_components";
import { revokeApiKeyAction } from "./actions";

const t = {
  revoke: "撤销",
  confirm: (name: string) => `撤销「${name}」？使用它的 POS 将立即无法调用，且不能恢复。`,
  yes: "确认撤销",
  pending: "正在撤销…",
  cancel: "取消",
};

/** Revoke, after an explicit confirmation in place (no browser dialog). */
export function RevokeKeyButton({ keyId, name }: { keyId: number; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState(revokeApiKeyAction, null);
  if (!confirming) {
    return (
      <Button variant="ghost" size="sm" onClick={() => setConfirming(true)}>
        {t.revoke}
      </Button>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center justify-end gap-2">
      <input type="hidden" name="keyId" value={keyId} />
      <span className="text-sm text-danger" role="alert">
        {state && !state.ok ? state.error : t.confirm(name)}
      </span>
      <Button type="submit" variant="danger" size="sm" pending={pending} pendingText={t.pending}>
        {t.yes}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setConfirming(false)} disabled={pending}>
        {t.cancel}
      </Button>
    </form>
  );
}
