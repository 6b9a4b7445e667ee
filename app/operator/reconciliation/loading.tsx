import { PageSkeleton } from "@/app/_components/page-skeleton";

export default function Loading() {
  return <PageSkeleton tiles={0} cards={[6, 6]} />;
}
