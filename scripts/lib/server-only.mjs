// `tsx --import ./scripts/lib/server-only.mjs <script>`: runs server code outside Next (the npm
// scripts: start, migrate, seed, ledger:verify, bench, chaos...). Modules that reach the database
// `import "server-only"`, whose default entry throws so that a client bundle cannot include them;
// this lets a Node process load them (docs/architecture.md).
import { register } from "node:module";

register("./server-only-hooks.mjs", import.meta.url);
