"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { Button, Dialog, EmptyState, Money, ProgressBar, Toast } from "@/app/_components";
import { useLiveJson } from "@/app/_components/use-live-json";
import { groupByOrder, type OrderGroup } from "@/lib/customers/groups";
import type { CustomerLive, LiveEntry, LivePayout } from "@/lib/customers/live";
import { formatFen } from "@/lib/money/format";
import { LeaveDialog } from "./leave-dialog";

/**
 * 我的排队, live: the waiting entries' places, amounts ahead and progress follow the queue without
 * a reload (polling /api/me/live while the tab is visible). When an entry the page saw waiting
 * is paid, a dialog says so with the amount, and the rest of the page (wallet, history) refreshes.
 */
export function LiveQueue({ initial }: { initial: CustomerLive }) {
  const t = useTranslations("customer.live");
  const { data: live, change } = useLiveJson<CustomerLive>("/api/me/live", initial);
  const router = useRouter();
  const [leaving, setLeaving] = useState<LiveEntry | null>(null);
  const seenWaiting = useRef(new Map(initial.waiting.map((e) => [e.id, e.position])));
  const [celebrate, setCelebrate] = useState<LivePayout[]>([]);
  const [moved, setMoved] = useState<string | null>(null);
  // After a leave the focused 退出排队 button is gone with its entry; focus goes to the list itself,
  // not to the page's body, so a keyboard or screen-reader user carries on from where they were.
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const before = seenWaiting.current;
    const paid = live.paid.filter((p) => before.has(p.id));
    const advanced = live.waiting.find((e) => (before.get(e.id) ?? 0) > (e.position ?? 0));
    seenWaiting.current = new Map(live.waiting.map((e) => [e.id, e.position]));
    if (paid.length > 0) {
      setCelebrate((c) => [...c, ...paid]);
      // The wallet card and the history are server-rendered: bring them up to date, no reload.
      router.refresh();
    } else if (advanced) {
      setMoved(t("moved", { queue: advanced.queueName, position: advanced.position ?? 0 }));
    }
  }, [live, router, t]);

  function onLeaveClosed(left: boolean) {
    const entry = leaving;
    setLeaving(null);
    if (left && entry) {
      // Off the list at once, not at the next poll (which may be paused or backing off), and ahead
      // of a poll already on its way; the server-rendered cards (settled entries, points) follow.
      change((d) => ({ ...d, waiting: d.waiting.filter((e) => e.id !== entry.id) }));
      router.refresh();
      requestAnimationFrame(() => listRef.current?.focus());
    }
  }

  return (
    <>
      <div ref={listRef} tabIndex={-1} className="rounded-xl outline-none focus-visible:ring-2 focus-visible:ring-brand-600" data-testid="live-list">
        {live.waiting.length === 0 ? (
          <EmptyState
            title={t("emptyTitle")}
            description={t("emptyBody")}
            action={
              <Link className="font-medium text-brand-700 underline" href="/">
                {t("emptyAction")}
              </Link>
            }
          />
        ) : (
          <div className="space-y-4" data-testid="waiting-entries">
            {groupByOrder(live.waiting).map((g) => (
              <OrderEntries key={g.orderNo} group={g} onLeave={setLeaving} />
            ))}
          </div>
        )}
      </div>
      <LeaveDialog entry={leaving} onClosed={onLeaveClosed} />
      {celebrate.length > 0 ? <Celebration payouts={celebrate} onClose={() => setCelebrate([])} /> : null}
      {moved && celebrate.length === 0 ? (
        <Toast onClose={() => setMoved(null)} closeLabel={t("close")}>
          {moved}
        </Toast>
      ) : null}
    </>
  );
}

/** One order's waiting entries under one heading: a ¥888 order is one group, not nine cards. */
function OrderEntries({ group: g, onLeave }: { group: OrderGroup; onLeave: (e: LiveEntry) => void }) {
  const t = useTranslations("customer.live");
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="rounded-xl border border-line p-3" data-testid={`order-group-${g.orderNo}`}>
      <h3 id={headingId} className="flex flex-wrap items-baseline justify-between gap-x-2 text-sm">
        <span className="font-medium">{g.queueName}</span>
        <span className="text-xs text-muted">
          {t("group", { orderNo: g.orderNo, count: g.entries.length, total: formatFen(g.totalFen) })}
        </span>
      </h3>
      <ul className="mt-2 divide-y divide-line">
        {g.entries.map((e) => (
          <WaitingEntry key={e.id} entry={e} onLeave={() => onLeave(e)} />
        ))}
      </ul>
    </section>
  );
}

function WaitingEntry({ entry: e, onLeave }: { entry: LiveEntry; onLeave: () => void }) {
  const t = useTranslations("customer.live");
  const tl = useTranslations("customer.leave");
  const percent = Math.floor(e.progressBps / 100);
  const covered = e.neededFen === 0;
  return (
    <li className="space-y-1 py-2 first:pt-0 last:pb-0" data-testid={`entry-${e.id}`}>
      <div className="flex items-center justify-between gap-2 text-sm">
        <span>
          {t.rich("position", {
            position: e.position ?? 0,
            n: (chunks) => <strong data-testid="entry-position">{chunks}</strong>,
          })}
          <span className="ml-2 font-medium">
            <Money fen={e.targetFen} />
          </span>
        </span>
        <Button variant="secondary" className="shrink-0 whitespace-nowrap" onClick={onLeave} data-testid={`leave-${e.id}`} aria-haspopup="dialog">
          {tl("open")}
        </Button>
      </div>
      <p className="text-sm" data-testid="entry-ahead">
        {e.aheadFen ? t("ahead", { amount: formatFen(e.aheadFen) }) : t("aheadNone")}
      </p>
      <ProgressBar
        value={e.progressBps}
        max={10_000}
        label={t("progressLabel", { queue: e.queueName })}
        valueText={t("progressText", { covered: formatFen(e.coveredFen ?? 0), target: formatFen(e.targetFen) })}
      />
      <p className="text-xs font-medium text-brand-700" data-testid="entry-percent">
        {covered ? (e.payoutMode === "manual" ? t("coveredManual") : t("coveredAuto")) : t("percent", { percent, covered: formatFen(e.coveredFen ?? 0) })}
      </p>
      {covered ? null : <p className="text-xs text-muted">{t("needed", { needed: formatFen(e.neededFen ?? 0) })}</p>}
    </li>
  );
}

/** The payout moment: a modal the reader closes, with the freed amount; still under reduced motion. */
function Celebration({ payouts, onClose }: { payouts: LivePayout[]; onClose: () => void }) {
  const t = useTranslations("customer.live");
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (!ref.current?.open) ref.current?.showModal();
  }, []);
  return (
    <Dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="text-center" data-testid="payout-dialog">
      <div aria-hidden="true" className="celebrate mx-auto mb-2 text-5xl">
        🎉
      </div>
      <h2 id={titleId} className="text-xl font-semibold">
        {t("celebrateTitle")}
      </h2>
      <ul className="mt-3 space-y-1">
        {payouts.map((p) => (
          <li key={p.id}>
            <p className="text-3xl font-semibold text-brand-700 tabular-nums">
              <Money fen={p.targetFen} />
            </p>
            <p className="text-sm text-muted">{t("celebrateBody", { queue: p.queueName, amount: formatFen(p.targetFen) })}</p>
            {p.paidKind === "draw" ? <p className="text-sm text-muted">{t("celebrateDraw")}</p> : null}
          </li>
        ))}
      </ul>
      <Button className="mt-5" onClick={() => ref.current?.close()} autoFocus>
        {t("celebrateOk")}
      </Button>
    </Dialog>
  );
}
