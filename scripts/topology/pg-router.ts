// The Postgres router: a second haproxy, in TCP mode, between pgbouncer and the Postgres nodes. It
// sends connections only to the node that takes writes, found by a health check, so that promoting
// the standby is the whole failover: nothing is re-pointed by hand.
//
//   pgbouncer ─> pg-router (haproxy, tcp) ─┬─> pg-1   check: psql "select pg_is_in_recovery()" = f
//                                          └─> pg-2
//
// - The check is an external one (a shell script running psql as a role that can only log in),
//   because only Postgres can say whether it is in recovery: a TCP or pg_isready check passes on a
//   standby too. A failing check takes the node out and cuts its connections
//   (`on-marked-down shutdown-sessions`), so pgbouncer opens new ones, which land on the new primary.
// - Split brain: a stick table of one entry keeps every connection on the node chosen first while it
//   stays up. If the dead primary came back as a primary (it must not: it is fenced, and only ever
//   started again as a standby, see `Topology.rebuildStandby`), the router would still not send it
//   connections as long as the new primary is up. It is a second line, not the fence.
import fs from "node:fs";
import path from "node:path";
import { HaproxyProcess, type Backend } from "./haproxy";

/** The role the check logs in as: login and nothing else (pg_is_in_recovery() is public). */
export const CHECK_ROLE = "primary_check";
const BACKEND = "postgres";

export type PgRouterSite = { socket: string; bind: string; checkScript: string; nodes: Backend[] };

/**
 * The check script. haproxy runs it with the server's address and port as $3 and $4, in an emptied
 * environment (only PATH from `external-check path`), so the password file's place is written in.
 * Exit 0 (passing) only when the node answers and is not in recovery.
 */
export function primaryCheckScript(passfile: string): string {
  return `#!/bin/sh
# haproxy external check (pg-router): passes only on a Postgres that takes writes.
r=$(PGPASSFILE=${passfile} PGCONNECT_TIMEOUT=2 psql -X -q -t -A -h "$3" -p "$4" -U ${CHECK_ROLE} -d postgres -c "select pg_is_in_recovery()" 2>/dev/null)
[ "$r" = "f" ]
`;
}

/**
 * The router's haproxy.cfg. Checks every 2 s (every 250 ms after a failure, every 500 ms while
 * down); a node that fails 2 in a row is out, one that passes once is in (a promoted standby is wanted at once; a primary that answers once is one).
 * Long client and server timeouts: pgbouncer keeps idle server connections for minutes.
 */
export function pgRouterCfg(o: PgRouterSite): string {
  return `global
  stats socket ${o.socket} mode 600 level admin
  log stdout format raw local0
  # The check runs psql: haproxy forks for it only with both of these.
  external-check
  insecure-fork-wanted
  maxconn 2000

defaults
  mode tcp
  log global
  log-format "%ci:%cp -> %s %Tw/%Tc/%Tt %ts"
  timeout connect 2s
  timeout client 1h
  timeout server 1h

frontend postgres
  bind ${o.bind}
  default_backend ${BACKEND}

backend ${BACKEND}
  option external-check
  external-check path "/usr/bin:/bin"
  external-check command ${o.checkScript}
  timeout check 3s
  # One node at a time: the first chosen keeps every connection while it is up.
  stick-table type integer size 1
  stick on int(1)
  # inter is also the external check's time limit: psql on a loaded machine can take a second.
  default-server inter 2s fastinter 250ms downinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
${o.nodes.map((n) => `  server ${n.name} ${n.host}:${n.port} check`).join("\n")}
`;
}

export class PgRouter extends HaproxyProcess {
  constructor(
    readonly port: number,
    home: string,
    private readonly nodes: Backend[],
    private readonly checkPassword: string,
  ) {
    super("pg-router", home);
  }

  async start(): Promise<void> {
    // haproxy runs as the current user (root here); psql ignores a password file others can read.
    const passfile = path.join(this.home, "pg-check.pass");
    fs.writeFileSync(passfile, `*:*:*:${CHECK_ROLE}:${this.checkPassword.replace(/[:\\]/g, "\\$&")}\n`, { mode: 0o600 });
    const checkScript = path.join(this.home, "pg-primary-check.sh");
    fs.writeFileSync(checkScript, primaryCheckScript(passfile), { mode: 0o755 });
    await this.launch(pgRouterCfg({ socket: this.socket, bind: `127.0.0.1:${this.port}`, checkScript, nodes: this.nodes }));
  }

  /** The node the router sends connections to now (the only one UP), if any. */
  async current(): Promise<string | undefined> {
    const up = [...(await this.servers(BACKEND))].filter(([, s]) => s.status === "UP").map(([name]) => name);
    return up.length === 1 ? up[0] : undefined;
  }

  /** Waits until `node` is the one the router sends to; answers how long that took. */
  async waitFor(node: string, ms = 30_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      if ((await this.current()) === node) return Date.now() - t0;
      if (Date.now() - t0 > ms) throw new Error(`pg-router: ${node} is not the only node UP after ${ms / 1000} s: ${JSON.stringify([...(await this.servers(BACKEND))])}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
