/**
 * How a bound payout account is shown: enough for its owner and an operator to recognise it, not
 * enough to read it off a screen. Pure, so the wallet, the withdrawal form and the operator's
 * approval dialog show the same thing.
 */

/** A name with only its first character: 张三 → 张*, 欧阳娜娜 → 欧***, Li Lei → L*****. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return "";
  if (chars.length === 1) return "*";
  return chars[0] + "*".repeat(chars.length - 1);
}

/** A mainland mobile number with its middle four hidden: 13812345678 → 138****5678. */
function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** An email with its local part cut to its first character: alice@example.com → a***@example.com. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = [...email.slice(0, at)];
  return `${local[0] ?? ""}***${email.slice(at)}`;
}

/** An Alipay logon id (phone or email), masked; anything else keeps its first and last character. */
export function maskAlipayAccount(account: string): string {
  if (/^1\d{10}$/.test(account)) return maskPhone(account);
  if (account.includes("@")) return maskEmail(account);
  const chars = [...account];
  return chars.length <= 2 ? "*".repeat(chars.length) : `${chars[0]}***${chars[chars.length - 1]}`;
}

/** An openid with its first character and last two: oUpF8uMuAJO_M2pxb1Q9zNjWeS6o → o…6o. */
export function maskOpenid(openid: string): string {
  return openid.length <= 3 ? "…" : `${openid[0]}…${openid.slice(-2)}`;
}

export type MaskedPayoutAccount = { kind: "wechat" | "alipay"; masked: string };

/** One line for a bound account: `张* · 138****5678` for Alipay, `o…4f` for WeChat. */
export function maskPayoutAccount(
  a: { kind: "wechat"; openid: string } | { kind: "alipay"; account: string; realName: string },
): MaskedPayoutAccount {
  return a.kind === "wechat"
    ? { kind: "wechat", masked: maskOpenid(a.openid) }
    : { kind: "alipay", masked: `${maskName(a.realName)} · ${maskAlipayAccount(a.account)}` };
}
