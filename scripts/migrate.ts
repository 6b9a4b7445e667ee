import { runMigrations } from "@/db/migrate";
import { directDatabaseUrl } from "@/lib/env";

await runMigrations(directDatabaseUrl()) // a session advisory lock: not through a transaction pooler;
console.log("migrations applied");
