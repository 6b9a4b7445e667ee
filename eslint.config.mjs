// `npm run lint`: Next's rules (core web vitals, React and the React hooks rules) and typescript-eslint's
// recommended rules, with no warning allowed (`--max-warnings 0`). It runs in `npm test`.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      // `const { origin: _own, ...rest } = headers` is how a key is left out of a copy.
      "@typescript-eslint/no-unused-vars": ["warn", { ignoreRestSiblings: true }],
    },
  },
  {
    // Application code never imports a test, the test fixtures or the browser journeys (the import
    // layers themselves are checked by dependency-cruiser, which leaves tests out: docs/architecture.md).
    files: ["app/**", "lib/**", "db/**", "i18n/**", "auth.ts", "proxy.ts"],
    ignores: ["**/*.test.ts", "**/*.test.tsx", "lib/testing/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/testing/*", "@/e2e/*", "**/*.test", "*.test"], message: "Only tests import tests and lib/testing/." },
          ],
        },
      ],
    },
  },
  {
    // Playwright's fixture callback is named `use`; these files hold no React, so the hooks rule
    // would read every fixture as a misplaced React `use()`.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  globalIgnores([".next/**", "out/**", "build/**", "dist/**", "next-env.d.ts", ".data/**", "test-results/**", "playwright-report/**"]),
]);
