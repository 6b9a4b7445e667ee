// `npm run deps`: the import layers of ARCHITECTURE.md and docs/architecture.md, checked on every
// `npm test`. Data flows one way and imports follow it:
//
//   app/, proxy.ts, auth.ts, scripts/, e2e/     (the edges: requests, jobs, tools, journeys)
//     -> lib/<domain>/                           (the rules, one folder per domain)
//       -> lib/ledger/                           (the only writer of ledger entries and balances)
//         -> db/                                 (schema, client, migrations)
//
// with two small bases any layer may use: i18n/ (locales, messages and their loading; imports
// nothing from lib/ or db/) and lib/env.ts (the one reader of process.env; imports nothing of the
// project's own). lib/errors.ts, lib/money/ (pure arithmetic) and lib/roles.ts (the operator
// check) are below every domain.
//
// A domain's public surface: its top-level modules, by name. Files in a subfolder of a domain are
// its own. lib/ledger/index.ts is the door to posting and accounts (post.ts, accounts.ts).
// Tests and lib/testing/ are left out (see `exclude` below); docs/architecture.md says why.

/**
 * Cycles between two folders that are known and being removed, each with its reason. The check
 * still refuses any other cycle through either folder.
 */
const KNOWN_FOLDER_CYCLES = [
  // None today. An entry names two folders and why the cycle between them is allowed for now.
];

const exact = (folder) => `^${folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
const KNOWN_CYCLE_FOLDERS = KNOWN_FOLDER_CYCLES.flatMap((c) => c.between.map(exact));

/** The lower bases every layer may import. */
const BASES = ["^lib/env\\.ts$", "^i18n/"];

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-folder-cycle",
      comment: "Folders must not import each other in a circle (ARCHITECTURE: data flows one way).",
      severity: "error",
      scope: "folder",
      // "lib" as a folder is the sum of all its subfolders, so db -> lib/env.ts (allowed) would close a
      // circle with any lib/<domain> -> db; cycles among lib's own subfolders are still checked one
      // by one, and lib/env.ts and lib/errors.ts have rules of their own below.
      from: { pathNot: [...KNOWN_CYCLE_FOLDERS, "^lib$"] },
      to: { circular: true, pathNot: "^lib$" },
    },
    // A folder in a known cycle is still checked for every other cycle it starts.
    ...KNOWN_FOLDER_CYCLES.flatMap(({ name, between: [a, b] }) =>
      [
        [a, b],
        [b, a],
      ].map(([from, other]) => ({
        name: "no-folder-cycle",
        comment: `Folders must not import each other in a circle; ${from} -> ${other} is exempt (${name}).`,
        severity: "error",
        scope: "folder",
        from: { path: exact(from) },
        to: { circular: true, pathNot: [exact(other), "^lib$"] },
      })),
    ),
    {
      name: "no-module-cycle",
      comment: "Modules must not import each other in a circle.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "lower-layers-not-to-edges",
      comment: "lib/, db/ and i18n/ never import app/, the root auth.ts or proxy.ts, scripts/ or e2e/.",
      severity: "error",
      from: { path: "^(lib|db|i18n)/" },
      to: { path: "^(app/|auth\\.ts$|proxy\\.ts$|scripts/|e2e/)" },
    },
    {
      name: "db-imports-no-lib",
      comment: "db/ is the bottom layer: it imports nothing from lib/ but lib/env.ts.",
      severity: "error",
      from: { path: "^db/" },
      to: { path: "^lib/", pathNot: BASES },
    },
    {
      name: "i18n-imports-nothing-above",
      comment: "i18n/ is a base: locales, messages and their loading; it imports nothing from lib/ or db/.",
      severity: "error",
      from: { path: "^i18n/" },
      to: { path: "^(lib|db)/" },
    },
    {
      name: "env-imports-nothing",
      comment: "lib/env.ts is read by every layer, so it imports nothing of the project's own.",
      severity: "error",
      from: { path: "^lib/env\\.ts$" },
      to: { path: "^(app|lib|db|i18n|scripts|e2e)/" },
    },
    {
      name: "ledger-imports-no-domain",
      comment: "lib/ledger sits under every domain: it imports db/, lib/errors.ts, lib/money/ and the bases, no domain.",
      severity: "error",
      from: { path: "^lib/ledger/" },
      to: { path: "^lib/", pathNot: ["^lib/ledger/", "^lib/errors\\.ts$", "^lib/money/", ...BASES] },
    },
    {
      name: "base-modules-import-no-domain",
      comment: "lib/errors.ts, lib/money/ and lib/roles.ts sit under every domain: they import no domain.",
      severity: "error",
      from: { path: "^lib/(errors\\.ts$|roles\\.ts$|money/)" },
      to: { path: "^lib/", pathNot: ["^lib/errors\\.ts$", "^lib/money/", ...BASES] },
    },
    {
      name: "ledger-through-its-index",
      comment:
        "lib/ledger's posting and accounts (post.ts, accounts.ts) are reached through its index.ts: `@/lib/ledger`. Its reports.ts and verify.ts are public by name.",
      severity: "error",
      from: { pathNot: "^lib/ledger/" },
      to: { path: "^lib/ledger/(post|accounts)\\.ts$" },
    },
    {
      name: "domain-keeps-its-subfolders",
      comment: "Files in a subfolder of a domain (lib/<domain>/<sub>/...) are that domain's own.",
      severity: "error",
      from: { path: "^lib/([^/]+)/" },
      to: { path: "^lib/[^/]+/[^/]+/", pathNot: "^lib/$1/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing is a typo or a missing package.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Tests and their fixtures are consumers at the edge, like scripts/: a test may reach any layer,
    // and a folder's tests would otherwise count as that folder's imports in the cycle check.
    // That application code never imports them is checked by ESLint (eslint.config.mjs).
    exclude: { path: ["(^|/)(node_modules|\\.next|\\.data)/", "\\.test\\.tsx?$", "^lib/testing/"] },
    // Type-only imports are imports too: a layer must not know the types of the one above it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
