import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { awaitHeapSnapshot, summariseHeapSnapshot } from "./heap";

// A snapshot in V8's format, cut down to four objects: two Maps, a string and a closure.
const SNAPSHOT = {
  snapshot: {
    meta: {
      node_fields: ["type", "name", "id", "self_size", "edge_count"],
      node_types: [["hidden", "array", "string", "object", "code", "closure"]],
    },
  },
  nodes: [3, 0, 1, 1_048_576, 0, 3, 0, 2, 1_048_576, 0, 2, 1, 3, 2_097_152, 0, 5, 2, 4, 512, 0],
  strings: ["Map", "some text", "handler"],
};

describe("heap snapshot summary", () => {
  it("sums own sizes by kind and by constructor, strings as one group", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "heap-test-"));
    fs.writeFileSync(path.join(dir, "Heap.test.heapsnapshot"), JSON.stringify(SNAPSHOT));
    const file = await awaitHeapSnapshot(dir, 5_000);
    const text = summariseHeapSnapshot(file);
    expect(text).toContain("4.0 MB of live objects");
    expect(text).toMatch(/by kind: (object 2\.0 MB, string 2\.0 MB|string 2\.0 MB, object 2\.0 MB), closure 0\.0 MB/);
    expect(text).toMatch(/2\.0 MB\s+2 × object Map/);
    expect(text).toMatch(/2\.0 MB\s+1 × string\n/);
    expect(text).toContain("1 × closure handler");
  });

  it("gives up when no snapshot comes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "heap-test-"));
    await expect(awaitHeapSnapshot(dir, 1_500)).rejects.toThrow(/no heap snapshot/);
  });
});
