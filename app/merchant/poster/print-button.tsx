"use client";

import { Button } from "@/app/_components";

export function PrintButton() {
  return (
    <Button type="button" variant="secondary" onClick={() => window.print()}>
      打印海报
    </Button>
  );
}
