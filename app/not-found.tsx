import { StatusPage } from "@/app/_components";

export default function NotFound() {
  return <StatusPage code={404} title="页面不存在" body="你要找的页面不存在，或已被移走。" />;
}
