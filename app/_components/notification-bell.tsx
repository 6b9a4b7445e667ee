import Link from "next/link";
import { cn } from "./cn";

/** "99+" past 99: the badge stays one small pill. */
export function unreadLabel(count: number): string {
  return count > 99 ? "99+" : String(count);
}

/** The unread count as a small pill over an icon or next to a label; nothing when zero. */
export function UnreadBadge({ count, className }: { count: number; className?: string }) {
  if (count <= 0) return null;
  return (
    <span
      aria-hidden="true"
      data-testid="unread-badge"
      className={cn("inline-flex min-w-5 items-center justify-center rounded-full bg-danger-solid px-1 text-[11px] leading-5 font-semibold text-white", className)}
    >
      {unreadLabel(count)}
    </span>
  );
}

/** The header's link to the notification list, with the unread count (44 × 44 px, a thumb's reach). */
export function NotificationBell({ count, label, className }: { count: number; label: string; className?: string }) {
  return (
    <Link href="/me/notifications" aria-label={label} title={label} data-testid="notification-bell" className={cn("relative", className)}>
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      <UnreadBadge count={count} className="absolute top-0.5 right-0" />
    </Link>
  );
}
