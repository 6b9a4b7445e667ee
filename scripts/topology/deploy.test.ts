import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SESSION_LIMITS } from "@/db";
import { deployFiles } from "./deploy";

describe("deploy/ configuration for compose.yaml", () => {
  it.each(Object.entries(deployFiles()))("%s is what `npm run topology` runs, with the containers' names (regenerate: npm run topology -- --write-deploy)", (file, content) => {
    expect(fs.readFileSync(path.join(process.cwd(), file), "utf8")).toBe(content);
  });

  it("compose.yaml mounts each of them and uses the repository's Dockerfile", () => {
    const compose = fs.readFileSync(path.join(process.cwd(), "compose.yaml"), "utf8");
    for (const file of Object.keys(deployFiles())) expect(compose).toContain(`./${file}`);
    expect(compose).toMatch(/dockerfile: Dockerfile/);
  });

  it("the primary's first start gives the app role the app's session limits", () => {
    const init = fs.readFileSync(path.join(process.cwd(), "deploy/postgres/init-primary.sh"), "utf8");
    for (const [k, v] of Object.entries(SESSION_LIMITS)) expect(init).toContain(`alter role freeline set ${k} = ${v};`);
  });
});
