// The production build of the `fulcrum` command: shared, engine and admin compiled to JavaScript
// in one tree that plain `node` runs (bin/fulcrum.js), so nothing is compiled at start-up:
//
//   dist/cli.js, dist/server.js, dist/cluster/worker-main.js …   apps/admin/src
//   dist/node_modules/@fulcrum/engine/index.js …                  packages/engine/src
//   dist/node_modules/@fulcrum/shared/api.js …                    packages/shared/src
//
// In development the workspace packages resolve to their TypeScript source (their package.json
// `exports` name src/*.ts). Node resolves `@fulcrum/engine` from dist/*.js by walking up, and
// dist/node_modules comes before the workspace link in apps/admin/node_modules, so the build gets
// the compiled packages (with a package.json whose `exports` name the .js files) while fastify,
// better-sqlite3 and the rest still come from apps/admin/node_modules.
// Usage: node --import tsx apps/admin/scripts/build.ts [OUT_DIR]   (default apps/admin/dist)
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ADMIN_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = resolve(ADMIN_DIR, '../..');
const TSC = createRequire(join(REPO_ROOT, 'package.json')).resolve('typescript/bin/tsc');

/** The workspace packages the admin runs on, compiled into OUT/node_modules. */
const PACKAGES = [
  { name: '@fulcrum/shared', dir: join(REPO_ROOT, 'packages/shared') },
  { name: '@fulcrum/engine', dir: join(REPO_ROOT, 'packages/engine') },
];

/** Default output: what bin/fulcrum.js runs. */
export const DEFAULT_OUT_DIR = join(ADMIN_DIR, 'dist');

async function tsc(project: string, outDir: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [TSC, '-p', project, '--outDir', outDir]);
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed:\n${stdout}${stderr}`, { cause: err });
  }
}

/** `./src/api.ts` → `./api.js`: an export target of the source package, in the compiled one. */
function builtTarget(target: string): string {
  const match = /^\.\/src\/(.+)\.ts$/.exec(target);
  if (!match) throw new Error(`cannot map the export target ${target} to the build`);
  return `./${match[1]}.js`;
}

/** The compiled package's package.json: same name and exports, pointing at the JavaScript. */
function builtManifest(dir: string): string {
  const source = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; exports: Record<string, string> };
  const exports = Object.fromEntries(Object.entries(source.exports).map(([path, target]) => [path, builtTarget(target)]));
  return `${JSON.stringify({ name: source.name, version: source.version, private: true, type: 'module', exports }, null, 2)}\n`;
}

/**
 * The compiled packages resolve their npm dependencies from apps/admin/node_modules (see the top
 * of this file), so the admin must depend on each of them too: a missing one only shows when the
 * built fulcrum starts. Fails the build naming the package and the dependency.
 */
function checkDependenciesReachable(): void {
  const deps = (dir: string): Record<string, string> =>
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  const admin = deps(ADMIN_DIR);
  for (const { name, dir } of PACKAGES) {
    for (const dep of Object.keys(deps(dir))) {
      if (!dep.startsWith('@fulcrum/') && admin[dep] === undefined) {
        throw new Error(`${name} depends on ${dep}, which apps/admin/package.json does not list: the built fulcrum could not load it`);
      }
    }
  }
}

/** Compiles shared, engine and admin into `outDir` (emptied first). */
export async function buildServer(outDir: string = DEFAULT_OUT_DIR): Promise<void> {
  checkDependenciesReachable();
  rmSync(outDir, { recursive: true, force: true });
  await Promise.all([
    tsc(join(ADMIN_DIR, 'tsconfig.build.json'), outDir),
    ...PACKAGES.map(async ({ name, dir }) => {
      const target = join(outDir, 'node_modules', name);
      await tsc(join(dir, 'tsconfig.build.json'), target);
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'package.json'), builtManifest(dir));
    }),
  ]);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  await buildServer(outDir);
  process.stdout.write(`built fulcrum into ${outDir}\n`);
}
