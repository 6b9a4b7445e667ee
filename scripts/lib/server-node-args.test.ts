import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_ARGS } from "./server-node-args";

// The container cannot import the flags, so its CMD repeats them: this keeps the two the same.
describe("the server's V8 flags", () => {
  it("are those of the Dockerfile's CMD", () => {
    const dockerfile = fs.readFileSync(path.join(__dirname, "..", "..", "Dockerfile"), "utf8");
    // The image's CMD, not the HEALTHCHECK's (indented).
    const cmd = dockerfile.split("\n").find((l) => l.startsWith("CMD ["));
    expect(cmd && (JSON.parse(cmd.slice("CMD ".length)) as string[])).toEqual(["node", ...SERVER_NODE_ARGS, "server.js"]);
  });
});
