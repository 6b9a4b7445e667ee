// The bench's progress lines. Each carries the time; phase lines carry the load average too, which
// says how far to trust a figure measured on shared cores.
import os from "node:os";

export const log = (m: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

export const loadAvg = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
