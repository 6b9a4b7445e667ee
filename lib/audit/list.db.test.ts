import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { makeCustomer } from "@/lib/testing/fixtures";
import { auditActions, latestAudit, listAudit } from "./list";
import { recordAudit } from "./record";

describe("listAudit", () => {
  it("lists an action's records newest first with who, what, on what, why and the details, paged", async () => {
    const operator = await makeCustomer("operator");
    await db.execute(sql`update users set display_name = ${"值班运营 <b>"} where id = ${operator}`);
    // A unique action name: the log is shared with every other test file.
    const action = `test.${randomUUID().slice(0, 8)}`;
    for (let i = 1; i <= 3; i++) {
      await recordAudit(db, {
        actorUserId: operator,
        action,
        subjectType: "queue",
        subjectId: 40 + i,
        reason: i === 2 ? "客户投诉 \"重复\"" : undefined,
        details: { n: i, note: "<script>alert(1)</script>" },
      });
    }
    await recordAudit(db, { actorUserId: null, action, subjectType: "system", subjectId: "cron" });

    const page1 = await listAudit({ action, pageSize: 3 });
    expect(page1.total).toBe(4);
    expect(page1.rows.map((r) => [r.subjectType, r.subjectId, r.actorName])).toEqual([
      ["system", "cron", null],
      ["queue", "43", "值班运营 <b>"],
      ["queue", "42", "值班运营 <b>"],
    ]);
    expect(page1.rows[2]).toMatchObject({
      action,
      actorUserId: operator,
      reason: "客户投诉 \"重复\"",
      details: { n: 2, note: "<script>alert(1)</script>" },
    });
    expect(page1.rows[0]!.details).toEqual({});
    expect(page1.rows[0]!.createdAt).toBeInstanceOf(Date);

    const page2 = await listAudit({ action, page: 2, pageSize: 3 });
    expect(page2.total).toBe(4);
    expect(page2.rows.map((r) => r.subjectId)).toEqual(["41"]);
    expect((await listAudit({ action, page: 3, pageSize: 3 })).rows).toEqual([]);

    expect(await auditActions()).toContain(action);
    expect((await latestAudit(action))?.subjectId).toBe("cron");
    expect(await latestAudit(`${action}.none`)).toBeNull();
  });

  it("without a filter shows every action, newest first", async () => {
    const a = `test.${randomUUID().slice(0, 8)}`;
    const b = `test.${randomUUID().slice(0, 8)}`;
    await recordAudit(db, { actorUserId: null, action: a, subjectType: "x", subjectId: 1 });
    await recordAudit(db, { actorUserId: null, action: b, subjectType: "x", subjectId: 2 });
    const { rows, total } = await listAudit({ pageSize: 2 });
    expect(rows.map((r) => r.action)).toEqual([b, a]);
    expect(total).toBeGreaterThanOrEqual(2);
    expect(rows[0]!.id).toBeGreaterThan(rows[1]!.id);
  });
});
