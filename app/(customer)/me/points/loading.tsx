import { Skeleton } from "@/app/_components";

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-live="polite">
      <span className="sr-only">加载中…</span>
      <Skeleton className="h-8 w-32" />
      <div className="grid grid-cols-2 gap-3">
        <Skeleton className="h-28" />
        <Skeleton className="h-28" />
      </div>
      {[3, 3, 6].map((rows, i) => (
        <div key={i} className="space-y-2 rounded-2xl bg-surface p-4 ring-1 ring-line">
          <Skeleton className="h-6 w-24" />
          {Array.from({ length: rows }, (_, j) => (
            <Skeleton key={j} className="h-9 w-full" />
          ))}
        </div>
      ))}
    </div>
  );
}
