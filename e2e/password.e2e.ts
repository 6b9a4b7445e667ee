import { expect, test } from "./test";
import { login, main, register, uniqueUser } from "./pages";

const OLD = "password-journey-old-2026";
const NEW = "password-journey-new-2026";

test("a customer changes their password: clear refusals, then every session ends and only the new password works", async ({ browser }) => {
  const name = uniqueUser("pwchange");
  const phone = await browser.newContext();
  const laptop = await browser.newContext();
  const p = await phone.newPage();
  await register(p, name, OLD, "/me");
  // The same account signed in on a second device.
  const l = await laptop.newPage();
  await login(l, name, OLD, "/me");

  await main(p).getByRole("link", { name: "修改密码" }).click();
  await p.waitForURL("**/me/password");
  const form = p.getByTestId("password-form");
  const submit = form.getByRole("button", { name: "修改密码" });

  // A wrong current password: said next to that field, nothing changed.
  await form.getByLabel("当前密码").fill("not my password at all");
  await form.getByLabel("新密码", { exact: true }).fill(NEW);
  await form.getByLabel("再次输入新密码").fill(NEW);
  await submit.click();
  await expect(form.getByText("密码不正确")).toBeVisible();

  // A common password, then two different new ones.
  await form.getByLabel("当前密码").fill(OLD);
  await form.getByLabel("新密码", { exact: true }).fill("password123");
  await form.getByLabel("再次输入新密码").fill("password123");
  await submit.click();
  await expect(form.locator("#f-newPassword-error")).toBeVisible();
  await form.getByLabel("当前密码").fill(OLD);
  await form.getByLabel("新密码", { exact: true }).fill(NEW);
  await form.getByLabel("再次输入新密码").fill(`${NEW}x`);
  await submit.click();
  await expect(form.getByText("两次输入的密码不一致")).toBeVisible();

  // The change: this browser lands on the login page, told why.
  await form.getByLabel("当前密码").fill(OLD);
  await form.getByLabel("新密码", { exact: true }).fill(NEW);
  await form.getByLabel("再次输入新密码").fill(NEW);
  await submit.click();
  await p.waitForURL((u) => u.pathname === "/login");
  await expect(p.getByTestId("auth-notice")).toContainText("密码已修改");

  // The other device is signed out too.
  await l.goto("/me");
  await l.waitForURL((u) => u.pathname === "/login");

  // The old password no longer works; the new one does.
  await p.fill('input[name="identifier"]', name);
  await p.fill('input[name="password"]', OLD);
  await main(p).locator('button[type="submit"]').click();
  await expect(main(p).getByText("用户名或密码错误")).toBeVisible();
  await login(p, name, NEW, "/me");
  await expect(main(p).getByRole("heading", { level: 1 })).toBeVisible();

  await phone.close();
  await laptop.close();
});
