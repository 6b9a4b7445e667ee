import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

/** Cell classes of the compact data tables: text cells and right-aligned number cells. */
export const th = "px-2 py-1.5 text-left font-medium whitespace-nowrap";
export const thNum = "px-2 py-1.5 text-right font-medium whitespace-nowrap";
export const td = "px-2 py-1.5 whitespace-nowrap";
export const tdNum = "px-2 py-1.5 text-right whitespace-nowrap tabular-nums";

/** A column heading; `num` right-aligns it over a column of numbers. */
export function Th({ num, className, ...rest }: ComponentProps<"th"> & { num?: boolean }) {
  return <th scope="col" className={cn(num ? thNum : th, className)} {...rest} />;
}

/**
 * A horizontally scrolling data table: `head` is the heading row's cells, `children` the body rows.
 * Other props (data-testid, className) go on the <table>.
 */
export function Table({
  head,
  children,
  className,
  wrapperClassName,
  ...rest
}: ComponentProps<"table"> & { head: ReactNode; wrapperClassName?: string }) {
  return (
    <div className={cn("overflow-x-auto", wrapperClassName)}>
      <table className={cn("w-full text-sm", className)} {...rest}>
        <thead className="border-b border-line text-muted">
          <tr>{head}</tr>
        </thead>
        <tbody className="divide-y divide-line">{children}</tbody>
      </table>
    </div>
  );
}
