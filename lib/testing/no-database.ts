// Set-up of vitest's unit project (vitest.config.ts): its tests run in parallel and must not share a
// database, so none is given them. lib/env.ts reads process.env when a test file first imports it,
// after this runs.
delete process.env.DATABASE_URL;
