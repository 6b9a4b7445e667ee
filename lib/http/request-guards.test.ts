import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyProblem, MAX_ACTION_BODY_BYTES, pathDecodes } from "./request-guards";

const B = "----fl-test";
const multipart = (parts: [string, string][]) =>
  parts.map(([name, value]) => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("") + `--${B}--\r\n`;
const MULTIPART = `multipart/form-data; boundary=${B}`;

async function problemOf(headers: Record<string, string>, body: string, method = "POST") {
  let reads = 0;
  const result = await bodyProblem(method, new Headers(headers), async () => {
    reads += 1;
    return new TextEncoder().encode(body).buffer as ArrayBuffer;
  });
  return { result, reads };
}

describe("pathDecodes", () => {
  it("refuses the probe's path and other encodings that are not UTF-8", () => {
    for (const bad of ["/orders/%E0%A4%A", "/s/%C0%AF", "/pay/%ED%A0%80", "/%FF", "/a/%", "/a/%ZZ"]) expect(pathDecodes(bad), bad).toBe(false);
    for (const ok of ["/", "/orders/FL261125ABCDEFGH", "/s/%E8%8C%B6", "/a/%25", "/api/v1/entries/12"]) expect(pathDecodes(ok), ok).toBe(true);
  });

  it("accepts what encodeURIComponent makes of any well-formed string (property)", () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: "grapheme" }), { maxLength: 4 }), (segs) => pathDecodes(`/${segs.map(encodeURIComponent).join("/")}`)));
  });
});

describe("bodyProblem", () => {
  const action = { "next-action": "7f00aa", "content-type": MULTIPART };
  it("lets reads, plain form posts and well-formed action bodies through, reading only what Next would decode", async () => {
    expect(await problemOf({ "next-action": "x", "content-type": "text/plain" }, "hello", "GET")).toEqual({ result: null, reads: 0 });
    expect(await problemOf({ "content-type": "application/x-www-form-urlencoded" }, "a=1")).toEqual({ result: null, reads: 0 });
    expect(await problemOf(action, multipart([["1_slug", "noodle-bar"], ["0", '[null,"$K1"]']]))).toEqual({ result: null, reads: 1 });
    expect(await problemOf({ "content-type": MULTIPART }, multipart([["$ACTION_ID_7f00aa", ""], ["name", "x"]]))).toMatchObject({ result: null });
  });

  it("lets through the text/plain JSON React sends for a form with no fields (signing out once got a 415)", async () => {
    expect((await problemOf({ "next-action": "x", "content-type": "text/plain;charset=UTF-8" }, '["$K1"]')).result).toBeNull();
    expect((await problemOf({ "next-action": "x", "content-type": "text/plain" }, '[null,"$K1"]')).result).toBeNull();
  });

  it("refuses a broken, incomplete or non-multipart action body, and one over 1 MB", async () => {
    expect((await problemOf(action, `--${B}\r\nContent-Disposition: form-data; name="0"\r\n\r\n[`)).result).toBe("malformedBody");
    expect((await problemOf(action, multipart([["0", "[null,$K1"]]))).result).toBe("malformedBody");
    expect((await problemOf(action, multipart([["1_slug", "x"]]))).result).toBe("malformedBody");
    expect((await problemOf({ "content-type": MULTIPART }, multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", "{"]]))).result).toBe("malformedBody");
    expect((await problemOf({ "next-action": "x", "content-type": "text/plain;charset=UTF-8" }, "hello")).result).toBe("malformedBody");
    expect((await problemOf({ "next-action": "x", "content-type": "application/octet-stream" }, '["$K1"]')).result).toBe("wrongBodyType");
    expect((await problemOf({ "next-action": "x", "content-type": "multipart/form-data" }, multipart([["0", "[]"]]))).result).toBe("wrongBodyType");
    expect((await problemOf({ ...action, "content-length": String(MAX_ACTION_BODY_BYTES + 1) }, ""))).toEqual({ result: "tooLarge", reads: 0 });
    expect((await problemOf(action, multipart([["1_x", "x".repeat(MAX_ACTION_BODY_BYTES)], ["0", "[]"]]))).result).toBe("tooLarge");
  });
});
