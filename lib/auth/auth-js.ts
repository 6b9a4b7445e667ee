import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db";
import { env } from "@/lib/env";
import { verifyCredentials, type Role } from "./users";
import { log } from "@/lib/observability/log";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role; sessionVersion: number } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    uid?: number;
    role?: Role;
    /** users.session_version when the token was issued: logout bumps it, ending every older token. */
    sv?: number;
  }
}

/**
 * Auth.js v5: credentials (user name or phone + password), JWT sessions.
 *
 * - `secret` is passed explicitly from lib/env.ts, the one reader of process.env.
 * - `trustHost: true`: the app only runs behind our own start script / reverse proxy, which
 *   sets Host; without it `next start` refuses every request (UntrustedHost). Auth.js itself
 *   still reads AUTH_URL from the environment if someone sets it.
 * - The session carries only the user id, role and session version. Pages never trust it alone:
 *   the data-access helper (lib/auth/session.ts) re-reads the user from the database and refuses a
 *   token whose session version is no longer the user's (logged out since).
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: 14 * 24 * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    Credentials({
      credentials: { identifier: {}, password: {} },
      async authorize(credentials) {
        const identifier = typeof credentials.identifier === "string" ? credentials.identifier : "";
        const password = typeof credentials.password === "string" ? credentials.password : "";
        const user = await verifyCredentials(db, identifier, password);
        if (!user) return null;
        return { id: String(user.id), name: user.displayName, role: user.role, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        // A sign-in starts from a new token: nothing of a token presented before it is carried over,
        // and Auth.js gives every token it encodes a fresh random id (jti).
        return { sub: token.sub, name: token.name, uid: Number(user.id), role: user.role, sv: user.sessionVersion ?? 0 };
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid !== undefined) session.user.id = String(token.uid);
      if (token.role) session.user.role = token.role;
      session.user.sessionVersion = token.sv ?? 0;
      return session;
    },
  },
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      const cause = (error as { cause?: { err?: unknown } }).cause?.err;
      if (cause instanceof CredentialsSignin) return;
      log.error({ err: error }, "auth error");
    },
  },
});
