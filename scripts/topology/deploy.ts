// The configuration files compose.yaml mounts (deploy/), rendered by the same functions that
// configure `npm run topology`, with the containers' host names and paths. `npm run topology --
// --write-deploy` writes them; scripts/topology/deploy.test.ts fails when the committed files
// differ, so the two cannot drift apart.
import { haproxyCfg, UNAVAILABLE_HTTP } from "./haproxy";
import { pgRouterCfg, primaryCheckScript } from "./pg-router";
import { bouncerIni } from "./pgbouncer";

/** Path under the repository → content. */
export function deployFiles(): Record<string, string> {
  return {
    "deploy/haproxy/haproxy.cfg": haproxyCfg({
      socket: "/run/haproxy-admin.sock",
      bind: "*:8080",
      errorfile: "/etc/haproxy/503.http",
      backends: [
        { name: "app-1", host: "app-1", port: 3000 },
        { name: "app-2", host: "app-2", port: 3000 },
      ],
    }),
    "deploy/haproxy/503.http": UNAVAILABLE_HTTP,
    "deploy/pg-router/pg-router.cfg": pgRouterCfg({
      socket: "/run/pg-router-admin.sock",
      bind: "*:5432",
      checkScript: "/etc/pg-router/pg-primary-check.sh",
      nodes: [
        { name: "postgres-primary", host: "postgres-primary", port: 5432 },
        { name: "postgres-standby", host: "postgres-standby", port: 5432 },
      ],
    }),
    // The container writes the password file from PG_CHECK_PASSWORD at start (compose.yaml).
    "deploy/pg-router/pg-primary-check.sh": primaryCheckScript("/tmp/pg-check.pass"),
    "deploy/pgbouncer/pgbouncer.ini": bouncerIni({
      listenAddr: "0.0.0.0",
      port: 6432,
      dbHost: "pg-router",
      dbPort: 5432,
      authFile: "/etc/pgbouncer/userlist.txt",
      runDir: "",
    }),
  };
}
