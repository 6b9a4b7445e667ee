import { createECDH, createPublicKey, hkdfSync, createDecipheriv, randomBytes, verify } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A push service for tests: a local HTTP server that plays the browser vendor's endpoint. It holds
 * the browser's side of a subscription (a P-256 key pair and an auth secret made here), checks the
 * VAPID authorisation (RFC 8292) and decrypts each message (RFC 8291, aes128gcm, RFC 8188) with
 * node:crypto alone, so the application's encryption is checked against the standard, not against
 * the library that produced it.
 */

const b64url = (b: Buffer) => b.toString("base64url");

export type ReceivedPush = {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The decrypted payload as text. */
  text: string;
  /** The VAPID JWT's claims, verified against the k= key. */
  claims: { aud: string; exp: number; sub: string };
  vapidPublicKey: string;
};

export type PushReceiver = {
  url: string;
  /** A fresh subscription on this service: its endpoint and the browser's public keys. */
  subscribe(): { endpoint: string; p256dh: string; auth: string };
  received: ReceivedPush[];
  /** The status the next requests to a path get (default 201). */
  answer(path: string, status: number): void;
  /** Problems found in a request (a bad signature, a payload that does not decrypt). */
  errors: string[];
  close(): Promise<void>;
};

type Browser = { ecdh: ReturnType<typeof createECDH>; publicKey: Buffer; auth: Buffer };

/** RFC 8291 §3.4 and RFC 8188 §2: the receiver's side of aes128gcm. */
export function decryptAes128gcm(body: Buffer, browser: Browser): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const senderPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, not an uncompressed P-256 point`);
  if (rs < 18) throw new Error(`record size ${rs} too small`);

  const ecdhSecret = browser.ecdh.computeSecret(senderPublic);
  // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0", "latin1"), browser.publicKey, senderPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", ecdhSecret, browser.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0", "latin1"), 16));
  const baseNonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0", "latin1"), 12));

  const plain: Buffer[] = [];
  for (let seq = 0, off = 0; off < records.length; seq++, off += rs) {
    const record = records.subarray(off, Math.min(off + rs, records.length));
    const nonce = Buffer.from(baseNonce);
    // The record's sequence number XORed into the nonce's low bytes (big-endian), byte by byte:
    // JavaScript's ^ works on 32 bits only.
    for (let i = 0; i < 6; i++) nonce[11 - i] = nonce[11 - i]! ^ Math.floor(seq / 2 ** (8 * i)) % 256;
    const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // Padding: the data, then a delimiter (2 in the last record, 1 before), then zeros.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    const last = off + rs >= records.length;
    if (padded[end] !== (last ? 2 : 1)) throw new Error(`record ${seq}: bad padding delimiter ${padded[end]}`);
    plain.push(padded.subarray(0, end));
  }
  return Buffer.concat(plain).toString("utf8");
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; the ES256 signature is checked with the k= key. */
function checkVapid(header: string | undefined): { claims: ReceivedPush["claims"]; key: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) throw new Error(`Authorization is not a VAPID header: ${header}`);
  const [jwt, k] = [m[1]!, m[2]!];
  const [h, p, s] = jwt.split(".") as [string, string, string];
  const head = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; typ: string };
  if (head.alg !== "ES256") throw new Error(`JWT alg ${head.alg}`);
  const point = Buffer.from(k, "base64url");
  if (point.length !== 65 || point[0] !== 4) throw new Error("k= is not an uncompressed P-256 point");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }, format: "jwk" });
  const ok = verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
  if (!ok) throw new Error("VAPID signature does not verify");
  return { claims: JSON.parse(Buffer.from(p, "base64url").toString()) as ReceivedPush["claims"], key: k };
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const browsers = new Map<string, Browser>();
  const statuses = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const errors: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const status = statuses.get(path) ?? 201;
      try {
        const browser = browsers.get(path);
        if (!browser) throw new Error(`no subscription at ${path}`);
        if (req.method !== "POST") throw new Error(`method ${req.method}`);
        if (req.headers["content-encoding"] !== "aes128gcm") throw new Error(`Content-Encoding ${req.headers["content-encoding"]}`);
        if (!/^\d+$/.test(String(req.headers.ttl ?? ""))) throw new Error("no TTL header");
        const { claims, key } = checkVapid(req.headers.authorization);
        if (status < 400) received.push({ path, headers: req.headers, text: decryptAes128gcm(Buffer.concat(chunks), browser), claims, vapidPublicKey: key });
      } catch (e) {
        errors.push((e as Error).message);
        res.writeHead(400).end();
        return;
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  return {
    url,
    received,
    errors,
    subscribe() {
      const ecdh = createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const path = `/push/${++n}-${randomBytes(4).toString("hex")}`;
      browsers.set(path, { ecdh, publicKey, auth });
      return { endpoint: `${url}${path}`, p256dh: b64url(publicKey), auth: b64url(auth) };
    },
    answer(path, status) {
      statuses.set(path, status);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
