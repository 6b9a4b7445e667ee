import { getTranslations } from "next-intl/server";
import { Skeleton } from "./skeleton";

/**
 * A loading.tsx placeholder shaped like the page it stands in for: a title, `tiles` summary tiles,
 * then one card per entry of `cards` with that many rows. Screen readers hear "loading" once.
 */
export async function PageSkeleton({ tiles = 0, cards = [4] }: { tiles?: number; cards?: number[] }) {
  const t = await getTranslations("common");
  return (
    <div className="space-y-4" aria-busy="true" aria-live="polite">
      <span className="sr-only">{t("loading")}</span>
      <Skeleton className="h-8 w-40" />
      {tiles > 0 ? (
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          {Array.from({ length: tiles }, (_, i) => (
            <Skeleton key={i} className="h-24" />
          ))}
        </div>
      ) : null}
      {cards.map((rows, i) => (
        <div key={i} className="space-y-2 rounded-2xl bg-surface p-4 ring-1 ring-line">
          <Skeleton className="h-6 w-28" />
          {Array.from({ length: rows }, (_, j) => (
            <Skeleton key={j} className="h-9 w-full" />
          ))}
        </div>
      ))}
    </div>
  );
}
