// The V8 flags the app's server runs with, wherever this project starts it: `npm start`
// (scripts/start.ts), the bench (scripts/bench/server.ts, unless --node-args says otherwise), and the
// container (Dockerfile's CMD, which repeats them: a Dockerfile cannot import this).
//
// Why --heap-growing-percent=50: the server's live heap after a full collection is 80–92 MB, but
// under load V8 lets the old space grow to several times that before collecting again (its growth
// factor rises when collection takes little of the time), so the process reached 510–550 MB with
// nothing held. Bounding the growth keeps it near 280 MB, at the price of more frequent collections
// (docs/performance.md, "RSS": the store page's p95 rose from 44–47 to 64–65 ms in those runs).
// node refuses this flag in NODE_OPTIONS, so it is passed on node's command line.
export const SERVER_NODE_ARGS: readonly string[] = ["--heap-growing-percent=50"];
