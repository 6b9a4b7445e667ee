"use client";

import type { ReactNode } from "react";
import { cn } from "./cn";

const TONES = {
  success: "bg-green-50 text-green-900 ring-green-200",
  info: "bg-surface text-ink ring-line",
} as const;

/**
 * A short notice pinned to the bottom of the screen, announced politely. It stays until the reader
 * closes it (no timer: a notice that vanishes on its own can be missed).
 */
export function Toast({
  children,
  onClose,
  closeLabel,
  tone = "info",
  className,
}: {
  children: ReactNode;
  onClose: () => void;
  closeLabel: string;
  tone?: keyof typeof TONES;
  className?: string;
}) {
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-0 z-20 flex justify-center px-4 pb-[calc(1rem+env(safe-area-inset-bottom))]">
      <div
        role="status"
        aria-live="polite"
        className={cn("pointer-events-auto flex max-w-md items-start gap-3 rounded-2xl px-4 py-3 text-sm shadow-lg ring-1", TONES[tone], className)}
      >
        <div className="min-w-0 flex-1">{children}</div>
        <button type="button" onClick={onClose} className="-my-1 shrink-0 rounded-lg px-2 py-1 text-muted hover:bg-gray-100">
          <span aria-hidden="true">×</span>
          <span className="sr-only">{closeLabel}</span>
        </button>
      </div>
    </div>
  );
}
