// `npm run worker`: the durable job runner on DATABASE_URL's Postgres (refunds through the
// payment provider, …; lib/jobs lists the jobs). `npm start` runs one beside the app; run more
// anywhere with the app's environment, they share the work. SIGINT/SIGTERM finish the running
// jobs, then exit.
import { pool } from "@/db";
import { databaseUrl, env } from "@/lib/env";
import { startWorker } from "@/lib/worker/run";

const runner = await startWorker({ connectionString: databaseUrl(), concurrency: env.WORKER_CONCURRENCY });
console.log(`[worker] running ${env.WORKER_CONCURRENCY} job(s) at a time`);
await runner.promise;
await pool().end();
console.log("[worker] stopped");
