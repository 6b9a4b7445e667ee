// A job runner that takes one kind of job and never finishes it, for lib/worker/heartbeat.db.test.ts:
// `node --import tsx --import ./scripts/lib/server-only.mjs lib/testing/hanging-runner.ts <beatMs> <deadAfterMs>`
// with DATABASE_URL set. It beats like a real runner (lib/worker/heartbeat.ts) and prints "ready"
// once its heartbeat row is written; the test then kills it with SIGKILL mid-job.
import { EventEmitter } from "node:events";
import { run, type WorkerEvents } from "graphile-worker";
import { startHeartbeat } from "@/lib/worker/heartbeat";

const connectionString = process.env.DATABASE_URL!;
const [beatMs, deadAfterMs] = process.argv.slice(2).map(Number);
const events: WorkerEvents = new EventEmitter();
const heartbeat = startHeartbeat(events, connectionString, { beatMs, deadAfterMs });
await run({
  events,
  connectionString,
  concurrency: 1,
  pollInterval: 200,
  noHandleSignals: true,
  taskList: { "test.hang": () => new Promise<void>(() => {}) },
});
await heartbeat.beat();
process.stdout.write("ready\n");
