import { Skeleton } from "@/app/_components";

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-live="polite">
      <span className="sr-only">加载中…</span>
      <Skeleton className="h-8 w-32" />
      <div className="grid gap-3 sm:grid-cols-3">
        <Skeleton className="h-32 sm:col-span-2" />
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-1">
          <Skeleton className="h-[3.75rem]" />
          <Skeleton className="h-[3.75rem]" />
        </div>
      </div>
      <div className="space-y-2 rounded-2xl bg-surface p-4 ring-1 ring-line">
        <Skeleton className="h-6 w-24" />
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </div>
  );
}
