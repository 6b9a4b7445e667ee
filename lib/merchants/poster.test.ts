import { describe, expect, it } from "vitest";
import { storeQrSvg, storeUrl } from "./poster";

describe("store poster", () => {
  it("builds the store address from the request host", () => {
    expect(storeUrl(new Headers({ host: "localhost:3000" }), "tea-house")).toBe("http://localhost:3000/s/tea-house");
    expect(storeUrl(new Headers({ host: "a.example", "x-forwarded-proto": "https" }), "tea-house")).toBe("https://a.example/s/tea-house");
  });

  it("renders a real QR code as SVG", async () => {
    const svg = await storeQrSvg("https://a.example/s/tea-house");
    expect(svg).toMatch(/^<svg[^>]*viewBox/);
    expect(svg).toContain("<path");
  });
});
