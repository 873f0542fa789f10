#!/usr/bin/env node
// Launcher for the `fulcrum` command: runs the JavaScript build (`pnpm build` writes ../dist), so
// nothing is compiled at start-up. From source instead: node --import tsx apps/admin/src/cli.ts.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('fulcrum: not built yet: run `pnpm build` in the repository root (or run from source: node --import tsx apps/admin/src/cli.ts)\n');
  process.exit(1);
}
await import(entry.href);
