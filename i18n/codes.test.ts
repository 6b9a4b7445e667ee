import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles } from "@/lib/testing/source-files";
import { locales } from "./config";
import { messages } from "./messages";

// lib/ and app/ speak in message codes (docs/i18n.md). Text written straight into the code reaches a
// reader in one language only, and a code missing from errors.json is shown to them raw: both are
// caught here, before a reader sees them.


const files = [...sourceFiles("lib"), ...sourceFiles("app")].map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), "utf8") }));

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;

/**
 * Chinese that is data, not a message: it is stored (a ledger transaction's reason, shown as it was
 * written in either language) or documents something by its Chinese name.
 */
const DATA: Record<string, RegExp> = {
  // The reason stored on a refund's ledger transaction when none was given.
  "lib/orders/refund.ts": /^退款$/,
  // The reason stored on a leave compensation's ledger transaction: "店名，免单金额 ¥x".
  "lib/queue/leave.ts": /免单金额/,
  // The OpenAPI document names the console page where keys are made, as the merchant sees it.
  "lib/api/openapi.ts": /POS 接口/,
  // The providers' bill files are Chinese (column names, row types, comment lines): the parsers
  // read them and the fakes write them, as data.
  "lib/payments/wechat/bill.ts": /./,
  "lib/payments/alipay/bill.ts": /./,
  "lib/payments/wechat/fund-bill.ts": /./,
  "lib/payments/alipay/account-bill.ts": /./,
  "lib/payments/wechat/fake-server.ts": /./,
  "lib/payments/alipay/fake-server.ts": /./,
};

/** Callers that are programs (the cron API, payment providers' signed webhooks): plain English for their logs. */
const MACHINE_FACING = [/^app\/api\/cron\//, /^lib\/payments\//];

function stringLiterals(line: string): string[] {
  return [...line.matchAll(/(["'`])((?:\\.|(?!\1)[^\\])*)\1/g)].map((m) => m[2]!);
}

function hasKey(locale: (typeof locales)[number], code: string): boolean {
  let node: unknown = messages[locale].errors;
  for (const part of code.split(".")) {
    if (node === null || typeof node !== "object" || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string";
}

describe("message codes", () => {
  it("no Chinese is written into lib/ or app/ code, except data", () => {
    const found: string[] = [];
    for (const { file, text } of files) {
      text.split("\n").forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) return;
        for (const literal of stringLiterals(line.replace(/\s\/\/\s.*$/, ""))) {
          if (CJK.test(literal) && !DATA[file]?.test(literal)) found.push(`${file}:${i + 1}: ${literal}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it("every code a DomainError carries is in errors.json in every language; other text only for programs", () => {
    const missing: string[] = [];
    const prose: string[] = [];
    for (const { file, text } of files) {
      // The message is the second argument (the first for a RateLimitError, or refund's `refused(…)`).
      const calls = text.matchAll(/new DomainError\(\s*[^,()]+,\s*(["`])((?:(?!\1).)*)\1|new RateLimitError\(\s*(["`])((?:(?!\3).)*)\3|refused\(\s*"([^"]+)"/gs);
      for (const m of calls) {
        const message = m[2] ?? m[4] ?? m[5]!;
        if (/^[a-z]\w*(\.\w+)+$/.test(message)) {
          for (const locale of locales) if (!hasKey(locale, message)) missing.push(`${file}: ${message} (${locale})`);
        } else if (!MACHINE_FACING.some((re) => re.test(file))) {
          prose.push(`${file}: ${message}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(prose).toEqual([]);
  });

  it("finds the calls it checks", () => {
    // Guards the scan above: if the patterns stopped matching, both checks would pass on nothing.
    const all = files.map((f) => f.text).join("\n");
    expect(all.match(/new DomainError\(\s*[^,()]+,\s*"[a-z]\w*(\.\w+)+"/g)?.length ?? 0).toBeGreaterThan(50);
  });
});
