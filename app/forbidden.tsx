import { StatusPage } from "@/app/_components";

export default function Forbidden() {
  return (
    <StatusPage
      code={403}
      title="没有访问权限"
      body="当前账号不能访问这个页面。如果你是商家或运营人员，请使用对应的账号登录。"
    />
  );
}
