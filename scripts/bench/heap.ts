// `npm run bench -- --heap-snapshot`: what the server's heap holds after the load phases. The
// server runs with --heapsnapshot-signal, the bench sends the signal after the store page phase,
// and this reads the snapshot V8 writes and sums its objects' own sizes by kind and constructor.
import fs from "node:fs";
import path from "node:path";

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

/** Waits for the snapshot V8 writes into `dir` after the signal, until its size stops changing. */
export async function awaitHeapSnapshot(dir: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith(".heapsnapshot")) : undefined;
    if (file) {
      const size = fs.statSync(path.join(dir, file)).size;
      // V8 writes the file in one pass; two equal sizes a second apart mean it is done.
      if (size > 0 && size === last) return path.join(dir, file);
      last = size;
    }
    if (Date.now() > deadline) throw new Error(`no heap snapshot in ${dir} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The snapshot's objects summed by own size: by node kind, then the biggest constructors and strings. */
export function summariseHeapSnapshot(file: string, top = 15): string {
  const snap = JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf("type"), fields.indexOf("name"), fields.indexOf("self_size")];
  const byType = new Map<string, number>();
  const byName = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!] ?? "?";
    const bytes = snap.nodes[i + sizeAt]!;
    total += bytes;
    byType.set(type, (byType.get(type) ?? 0) + bytes);
    // Strings are named by their text: group them as one kind, not by content.
    const name = type === "object" || type === "closure" ? `${type} ${snap.strings[snap.nodes[i + nameAt]!]}` : type;
    const seen = byName.get(name) ?? { bytes: 0, count: 0 };
    seen.bytes += bytes;
    seen.count += 1;
    byName.set(name, seen);
  }
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
  const lines = [`${path.basename(file)}: ${mb(total)} of live objects (own sizes)`];
  lines.push(`  by kind: ${[...byType].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([t, n]) => `${t} ${mb(n)}`).join(", ")}`);
  lines.push("  biggest groups:");
  for (const [name, { bytes, count }] of [...byName].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) {
    lines.push(`    ${mb(bytes).padStart(9)}  ${String(count).padStart(8)} × ${name.slice(0, 80)}`);
  }
  return lines.join("\n");
}
