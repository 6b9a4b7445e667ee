"use client";

import { Fragment, useState, type ReactNode } from "react";
import { cn } from "./cn";
import { th, thNum } from "./table";

export type SortValue = string | number | null;
export type SortableColumn = { label: ReactNode; num?: boolean; sortable?: boolean };
/** One body row: the rendered <tr> and the values its sortable columns sort by, in column order. */
export type SortableRow = { key: string | number; values: SortValue[]; row: ReactNode };

function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

/**
 * A data table whose column headings sort it, in the browser: a button in each sortable heading
 * (so the keyboard reaches it), aria-sort on the heading that sorts. Rows arrive in the server's
 * order, which is what the table shows until a heading is pressed.
 */
export function SortableTable({
  columns,
  rows,
  className,
  ...rest
}: { columns: SortableColumn[]; rows: SortableRow[]; className?: string; "data-testid"?: string }) {
  const [sort, setSort] = useState<{ col: number; dir: 1 | -1 } | null>(null);
  const shown = sort ? [...rows].sort((a, b) => sort.dir * compare(a.values[sort.col] ?? null, b.values[sort.col] ?? null)) : rows;
  return (
    <div className="overflow-x-auto">
      <table className={cn("w-full text-sm", className)} {...rest}>
        <thead className="border-b border-line text-muted">
          <tr>
            {columns.map((c, i) => {
              const active = sort?.col === i;
              const ariaSort = active ? (sort.dir === 1 ? "ascending" : "descending") : c.sortable === false ? undefined : "none";
              return (
                <th key={i} scope="col" aria-sort={ariaSort} className={c.num ? thNum : th}>
                  {c.sortable === false ? (
                    c.label
                  ) : (
                    <button
                      type="button"
                      className={cn("inline-flex items-center gap-1 rounded font-medium hover:text-ink", c.num && "flex-row-reverse")}
                      onClick={() => setSort(active && sort.dir === 1 ? { col: i, dir: -1 } : { col: i, dir: 1 })}
                    >
                      {c.label}
                      <span aria-hidden="true" className="text-xs">
                        {active ? (sort.dir === 1 ? "▲" : "▼") : "↕"}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">{shown.map((r) => <Fragment key={r.key}>{r.row}</Fragment>)}</tbody>
      </table>
    </div>
  );
}
