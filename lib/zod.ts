import { z } from "zod";

// Schemas that also run in the browser import zod from here. The page's CSP allows no eval, and
// zod's optional compiled fast path first probes for it with `new Function`, which the browser
// reports as a CSP violation: this switches the fast path off there before any schema is built
// (a module's imports run before its body). The server keeps it.
if (typeof window !== "undefined") z.config({ jitless: true });

export { z };
