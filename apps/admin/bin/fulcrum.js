#!/usr/bin/env -S node --max-semi-space-size=2
// Launcher for the `fulcrum` command: runs the JavaScript build (`pnpm build` writes ../dist), so
// nothing is compiled at start-up. From source instead: node --import tsx apps/admin/src/cli.ts.
// --max-semi-space-size=2 (MiB): loading the admin grows V8's young generation to its 32 MiB
// maximum, which stays resident afterwards; capped, the process starts ~20 MiB smaller and the relay
// spends no more CPU per request (docs/BENCHMARKS.md, "Fixed memory"). `pnpm start` passes the same
// flag; worker processes inherit it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('fulcrum: not built yet: run `pnpm build` in the repository root (or run from source: node --import tsx apps/admin/src/cli.ts)\n');
  process.exit(1);
}
await import(entry.href);
