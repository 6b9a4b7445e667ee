import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for WeChat's web OAuth (snsapi_base) in tests, written from WeChat's documentation:
 * `GET /connect/oauth2/authorize` checks the app id, scope and response type and redirects to
 * `redirect_uri?code=…&state=…` (WeChat's page would ask nothing for snsapi_base either);
 * `GET /sns/oauth2/access_token` checks the app id and secret and answers the code's openid once,
 * or WeChat's errcode JSON (40029 invalid code, 40125 invalid secret). It proves our side follows
 * the protocol, not that real credentials work.
 */
export class WechatOAuthFake {
  /** The openid the next authorization gives (a test may set it to tell customers apart). */
  nextOpenid = `o${randomBytes(14).toString("base64url")}`;
  readonly codes = new Map<string, string>();
  private server = http.createServer((req, res) => this.handle(req, res));
  url = "";

  constructor(
    readonly appid: string,
    readonly secret: string,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private json(res: http.ServerResponse, body: unknown): void {
    // WeChat answers errors with status 200 and an errcode.
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? "/", "http://fake");
    const q = u.searchParams;
    if (u.pathname === "/connect/oauth2/authorize") {
      const redirect = q.get("redirect_uri");
      if (q.get("appid") !== this.appid || q.get("scope") !== "snsapi_base" || q.get("response_type") !== "code" || !redirect) {
        res.writeHead(400, { "content-type": "text/plain" }).end("invalid authorize request");
        return;
      }
      const code = randomBytes(16).toString("hex");
      this.codes.set(code, this.nextOpenid);
      const back = new URL(redirect);
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (u.pathname === "/sns/oauth2/access_token") {
      if (q.get("appid") !== this.appid || q.get("secret") !== this.secret) return this.json(res, { errcode: 40125, errmsg: "invalid appsecret" });
      const code = q.get("code") ?? "";
      const openid = this.codes.get(code);
      if (q.get("grant_type") !== "authorization_code" || !openid) return this.json(res, { errcode: 40029, errmsg: "invalid code" });
      // A code works once.
      this.codes.delete(code);
      return this.json(res, { access_token: randomBytes(24).toString("hex"), expires_in: 7200, refresh_token: randomBytes(24).toString("hex"), openid, scope: "snsapi_base" });
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
}
