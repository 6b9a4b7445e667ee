import { ButtonLink } from "./button";

/** A whole-page HTTP status (403, 404): the code, what happened, and a way back home. */
export function StatusPage({ code, title, body, home }: { code: number; title: string; body: string; home: string }) {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-5xl font-semibold text-brand-600">{code}</p>
      <h1 className="mt-3 text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-muted">{body}</p>
      <ButtonLink href="/" className="mt-6">
        {home}
      </ButtonLink>
    </div>
  );
}
