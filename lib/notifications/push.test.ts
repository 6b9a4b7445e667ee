import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptAes128gcm, startPushReceiver, type PushReceiver } from "@/lib/testing/push-receiver";
import { sendPush } from "./push";

let receiver: PushReceiver;
const keys = webpush.generateVAPIDKeys();
const vapid = { ...keys, subject: "mailto:ops@shop.example" };

beforeAll(async () => {
  receiver = await startPushReceiver();
});
afterAll(() => receiver.close());

describe("Web Push at the protocol level (RFC 8030, 8291, 8292)", () => {
  it("sends a payload that the subscription's own keys decrypt, with a VAPID signature for the push service's origin", async () => {
    const sub = receiver.subscribe();
    const payload = { id: 7, title: "免单到账", body: "订单 FL123456ABCDEFGH 的 ¥38.00 已全额返还。", url: "/me/notifications" };
    expect(await sendPush(sub, payload, vapid)).toBe("sent");
    expect(receiver.errors).toEqual([]);
    const got = receiver.received.at(-1)!;
    expect(JSON.parse(got.text)).toEqual(payload);
    expect(got.claims.aud).toBe(receiver.url);
    expect(got.claims.sub).toBe(vapid.subject);
    expect(got.claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(got.claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600 * 1000);
    expect(got.vapidPublicKey).toBe(keys.publicKey);
    expect(got.headers.ttl).toBe("86400");
    expect(got.headers.topic).toBe("n7");
  });

  it("a payload encrypted for other keys does not decrypt (the check can fail)", async () => {
    const mine = receiver.subscribe();
    const other = receiver.subscribe();
    const details = webpush.generateRequestDetails({ endpoint: mine.endpoint, keys: { p256dh: other.p256dh, auth: other.auth } }, "secret", {
      vapidDetails: vapid,
      contentEncoding: "aes128gcm",
    });
    const res = await fetch(details.endpoint, { method: "POST", headers: details.headers as Record<string, string>, body: new Uint8Array(details.body!) });
    expect(res.status).toBe(400);
    expect(receiver.errors.at(-1)).toMatch(/unable to authenticate|Unsupported state/i);
    receiver.errors.length = 0;
    expect(() => decryptAes128gcm(Buffer.alloc(40), { ecdh: undefined as never, publicKey: Buffer.alloc(0), auth: Buffer.alloc(0) })).toThrow();
  });

  it("404 and 410 mean the subscription is gone; another refusal throws so the job retries", async () => {
    for (const status of [404, 410]) {
      const sub = receiver.subscribe();
      receiver.answer(new URL(sub.endpoint).pathname, status);
      expect(await sendPush(sub, { id: 1, title: "t", body: "b", url: "/" }, vapid)).toBe("gone");
    }
    const sub = receiver.subscribe();
    receiver.answer(new URL(sub.endpoint).pathname, 503);
    await expect(sendPush(sub, { id: 1, title: "t", body: "b", url: "/" }, vapid)).rejects.toThrow(/503/);
    expect(receiver.errors).toEqual([]);
  });
});
