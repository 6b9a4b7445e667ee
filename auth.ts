// Auth.js at the root, where Next's conventions look for it. The instance lives in lib/auth/auth-js.ts
// so that lib/auth/session.ts can use it without lib/ importing the app's edge (docs/architecture.md).
export { auth, handlers, signIn, signOut } from "@/lib/auth/auth-js";
