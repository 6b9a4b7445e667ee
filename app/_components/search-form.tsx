import type { ComponentProps, ReactNode } from "react";
import { buttonClass } from "./button";
import { Input } from "./field";

/**
 * A one-field GET search (role=search): the label over the input, the submit button beside it,
 * then any `extra` (such as a link that clears the search). `input` goes on the <input>.
 */
export function SearchForm({
  action,
  label,
  submit,
  input,
  extra,
}: {
  action: string;
  label: ReactNode;
  submit: ReactNode;
  input: ComponentProps<"input"> & { id: string; name: string; "data-testid"?: string };
  extra?: ReactNode;
}) {
  return (
    <form role="search" action={action} className="flex flex-wrap items-end gap-2">
      <div className="min-w-0 flex-1 space-y-1.5">
        <label htmlFor={input.id} className="block text-sm font-medium">
          {label}
        </label>
        <Input autoComplete="off" spellCheck={false} {...input} />
      </div>
      <button type="submit" className={buttonClass("primary", "md")}>
        {submit}
      </button>
      {extra}
    </form>
  );
}
