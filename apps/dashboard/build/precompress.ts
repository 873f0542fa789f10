/// <reference types="node" />
// A Vite plugin that writes .br and .gz next to every text asset of the build, at maximum
// compression, so the admin serves them as they are (@fastify/static `preCompressed`): no CPU
// per request and no compression dependency in the admin. Node's zlib does both formats.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Smaller files are not worth a compressed copy (headers cost more than they save). */
const MIN_BYTES = 1024;
const TEXT = /\.(?:js|css|html|svg|json|txt)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Sizes of what was written, for the build log. */
export interface CompressedSizes {
  file: string;
  raw: number;
  br: number;
  gz: number;
}

/** Compresses every text file in `dir` (recursively) to .br and .gz. */
export function precompressDir(dir: string): CompressedSizes[] {
  const out: CompressedSizes[] = [];
  for (const path of files(dir)) {
    if (!TEXT.test(path)) continue;
    const raw = readFileSync(path);
    if (raw.length < MIN_BYTES) continue;
    const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    const gz = gzipSync(raw, { level: 9 });
    writeFileSync(`${path}.br`, br);
    writeFileSync(`${path}.gz`, gz);
    out.push({ file: path.slice(dir.length + 1), raw: raw.length, br: br.length, gz: gz.length });
  }
  return out;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The plugin: runs after Vite wrote the bundle to `outDir` and logs raw / brotli / gzip sizes. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'fulcrum-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const sizes = precompressDir(outDir);
      for (const s of sizes) this.info(`${s.file.padEnd(38)} ${kb(s.raw).padStart(9)} raw │ ${kb(s.br).padStart(8)} br │ ${kb(s.gz).padStart(8)} gz`);
    },
  };
}
