import { describe, expect, it } from "vitest";
import { isLocalOrigin, storeQrSvg, storeUrl } from "./poster";

describe("store poster", () => {
  it("builds the store address from the public origin, whatever host the console was opened at", () => {
    expect(storeUrl("https://shop.example", "tea-house")).toBe("https://shop.example/s/tea-house");
    expect(storeUrl("https://shop.example/", "茶 house")).toBe("https://shop.example/s/%E8%8C%B6%20house");
  });

  it("knows an address that only works locally", () => {
    for (const o of ["http://localhost:3000", "http://127.0.0.1:3000", "http://10.0.0.5", "http://192.168.1.20:3000", "http://172.20.1.1", "http://169.254.1.1", "http://0.0.0.0:3000", "http://[::1]:3000", "http://[fd00::1]", "http://shop.local", "http://app.localhost", "http://devbox:3000"]) {
      expect(isLocalOrigin(o), o).toBe(true);
    }
    for (const o of ["https://shop.example", "https://freeline.cn", "http://172.32.0.1", "http://8.8.8.8", "https://[2001:db8::1]"]) {
      expect(isLocalOrigin(o), o).toBe(false);
    }
  });

  it("renders a real QR code as SVG", async () => {
    const svg = await storeQrSvg("https://a.example/s/tea-house");
    expect(svg).toMatch(/^<svg[^>]*viewBox/);
    expect(svg).toContain("<path");
  });
});
