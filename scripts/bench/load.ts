// Load generation for `npm run bench`: a keep-alive HTTP client on node:http (lighter on the shared
// CPU than fetch), a closed-loop runner with N concurrent workers, and latency percentiles.
import http from "node:http";

export type HttpReply = { status: number; headers: http.IncomingHttpHeaders; body: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

export function request(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  // discardBody: count the bytes and keep none. For the store page, whose 39 KB would otherwise be
  // joined and decoded on every request by this process, which shares the cores with the server.
  { timeoutMs = 30_000, discardBody = false }: { timeoutMs?: number; discardBody?: boolean } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (!discardBody) chunks.push(c);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: discardBody ? `(${bytes} bytes)` : Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path}`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function closeAgent(): void {
  agent.destroy();
}

export type RunResult = {
  ok: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  firstErrors: string[];
  /**
   * Operations that started in the window, counting those that finished after it: the divisor for
   * a cost measured from the window's start until its last operation ended (CPU, database time).
   */
  completed: number;
};

/** Called at the measured window's start and once its last operation has ended (not in the warm-up). */
export type WindowHooks = { start: () => Promise<void> | void; end: () => Promise<void> | void };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * What an operation answers: nothing when it did its work, OUT_OF_WORK when there was none left
 * (a step that pays the orders an earlier step placed). A worker that is out of work stops, and
 * the window ends when the last one does, so a short supply shortens the window rather than
 * counting as errors or as idle time.
 */
export const OUT_OF_WORK = Symbol("out of work");
type Op = (worker: number, i: number) => Promise<void | typeof OUT_OF_WORK>;

/**
 * Closed loop: `concurrency` workers each call `op(worker, i)` back to back for `seconds`. Only
 * operations that start and finish inside the window count. `warmupSeconds` of the same load run
 * first and are discarded (JIT, connection pools, caches).
 */
export async function runLoad(
  opts: { concurrency: number; seconds: number; warmupSeconds?: number; hooks?: WindowHooks },
  op: Op,
): Promise<RunResult> {
  if (opts.warmupSeconds && opts.warmupSeconds > 0) {
    await window(opts.concurrency, opts.warmupSeconds, op);
  }
  await opts.hooks?.start();
  const r = await window(opts.concurrency, opts.seconds, op);
  await opts.hooks?.end();
  return r;
}

async function window(concurrency: number, seconds: number, op: Op): Promise<RunResult> {
  const lat: number[] = [];
  let errors = 0;
  const firstErrors: string[] = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let counter = 0;
  let completed = 0;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const s = performance.now();
      try {
        if ((await op(w, counter++)) === OUT_OF_WORK) return;
        completed += 1;
        const f = performance.now();
        if (f <= end) lat.push(f - s);
      } catch (e) {
        errors += 1;
        if (firstErrors.length < 5) firstErrors.push(e instanceof Error ? e.message : String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (Math.min(performance.now(), end) - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    ok: lat.length,
    errors,
    seconds: elapsed,
    perSecond: lat.length / elapsed,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    firstErrors,
    completed,
  };
}

/** Multipart body as a browser's FormData would send it, fields in the given order. */
export function multipart(fields: [string, string][]): { body: string; contentType: string } {
  const boundary = `----freelinebench${Math.random().toString(16).slice(2)}`;
  let body = "";
  for (const [k, v] of fields) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
