// The server under test: `next build` and `next start` as child processes, a free port, readiness,
// peak RSS (VmHWM) of the next-server process tree, and an optional V8 CPU profile summary.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function runToEnd(root: string, bin: string, args: string[], env: NodeJS.ProcessEnv, logFile?: string): Promise<number> {
  return new Promise((resolve) => {
    const out = logFile ? fs.openSync(logFile, "a") : "inherit";
    const child = spawn(path.join(root, "node_modules", ".bin", bin), args, { stdio: ["ignore", out, out], env, cwd: root });
    child.on("error", () => resolve(127));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

export type Server = {
  child: ChildProcess;
  url: URL;
  stop: () => Promise<void>;
  peakRssMb: () => number;
  /** CPU time (user + system) the next-server process tree has used so far, in ms. */
  cpuMs: () => number;
};

// Clock ticks per second of /proc/<pid>/stat's utime and stime: 100 on every Linux this runs on
// (USER_HZ); `getconf CLK_TCK` says so.
const CLK_TCK = 100;

/** utime + stime of one process, in ms; null when it is not on this machine (or has gone). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Descendant pids of `pid` (inclusive), from /proc. */
function tree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(d));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of parents.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export async function startServer(
  root: string,
  port: number,
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeArgs: string[] = [],
): Promise<Server> {
  const out = fs.openSync(logFile, "a");
  // node itself runs Next's CLI, so V8 flags such as --cpu-prof (refused in NODE_OPTIONS) can be passed.
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [...nodeArgs, nextBin, "start", "-p", String(port)], {
    stdio: ["ignore", out, out],
    env,
    cwd: root,
  });
  const url = new URL(`http://localhost:${port}`);
  let peakKb = 0;
  // The next-server process (and any worker it forks).
  const nextPids = (): number[] => {
    if (child.pid === undefined) return [];
    return tree(child.pid).filter((p) => {
      try {
        return p === child.pid || /next/.test(fs.readFileSync(`/proc/${p}/cmdline`, "utf8"));
      } catch {
        return false;
      }
    });
  };
  // The highest VmHWM in the tree counts.
  const sample = () => {
    for (const p of nextPids()) peakKb = Math.max(peakKb, statusKb(p, "VmHWM"));
  };
  const timer = setInterval(sample, 500);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(new URL("/api/health", url), { signal: AbortSignal.timeout(5_000) });
      await res.text();
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 120 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    child,
    url,
    peakRssMb: () => {
      sample();
      return peakKb / 1024;
    },
    cpuMs: () => nextPids().reduce((sum, p) => sum + (processCpuMs(p) ?? 0), 0),
    stop: async () => {
      sample();
      clearInterval(timer);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("close", () => r()));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Top functions by self time in the V8 CPU profiles found in `dir`. */
export function summariseCpuProfiles(dir: string, top = 25): string {
  if (!fs.existsSync(dir)) return "(no CPU profile written)";
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const lines: string[] = [];
  for (const f of files) {
    type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
    const prof = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    let idle = 0;
    prof.samples.forEach((id, i) => {
      const dt = prof.timeDeltas[i] ?? 0;
      total += dt;
      const n = byId.get(id);
      if (!n) return;
      const u = n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^.*\.next\//, ".next/");
      if (n.callFrame.functionName === "(idle)") {
        idle += dt;
        return;
      }
      const key = `${n.callFrame.functionName || "(anonymous)"} ${u}:${n.callFrame.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
    total -= idle;
    lines.push(`${f}: ${(total / 1e6).toFixed(1)} s on CPU (${(idle / 1e6).toFixed(1)} s idle); share of CPU time:`);
    for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      lines.push(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  }
  return lines.join("\n");
}
