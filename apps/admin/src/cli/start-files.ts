// Files named on the command line, read and checked before anything starts: a configuration
// document (--config, `fulcrum import`) and the TLS key pair (--tls-cert/--tls-key). Every problem
// is a UsageError: one line, exit 2.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ApiError } from '../http/api-error.ts';
import { UsageError } from './cli-args.ts';
import { checkConfigDocument, parseConfigText } from '../config/config-document.ts';
import type { ConfigFormat } from '../config/config-document.ts';
import { planConfig } from '../config/replace-config.ts';
import type { ConfigDocumentInput } from '../schemas/config-schemas.ts';

/** Largest configuration file read (the API accepts the same). */
export const CONFIG_FILE_LIMIT = 4 * 1024 * 1024;

function readText(path: string, what: string, limit = CONFIG_FILE_LIMIT): string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message)}`);
  }
  if (data.length > limit) throw new UsageError(`${what} ${path}: larger than ${limit} bytes`);
  return data.toString('utf8');
}

/** The format a file name suggests (.json, .yaml/.yml), else undefined (detected from the content). */
export function formatOfFile(path: string): ConfigFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
}

/** A configuration document from text, completely checked (schema and cross-field rules). */
export function parseConfigDocument(text: string, format?: ConfigFormat): ConfigDocumentInput {
  const doc = checkConfigDocument(parseConfigText(text, format));
  planConfig(doc);
  return doc;
}

/** Reads and checks a configuration file; `what` names the flag in errors (`--config`). */
export function loadConfigFile(path: string, what: string): { doc: ConfigDocumentInput; text: string } {
  const text = readText(path, what);
  try {
    return { doc: parseConfigDocument(text, formatOfFile(path)), text };
  } catch (err) {
    if (err instanceof ApiError) throw new UsageError(`${what} ${path}: ${err.message}`);
    throw err;
  }
}

/** Reads the key pair and checks that it is usable (PEM, key matches certificate). */
export function loadTlsFiles(files: { certFile: string; keyFile: string }): { cert: string; key: string } {
  const cert = readText(files.certFile, '--tls-cert', 1024 * 1024);
  const key = readText(files.keyFile, '--tls-key', 1024 * 1024);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? 'unusable';
    throw new UsageError(`--tls-cert ${files.certFile} / --tls-key ${files.keyFile}: ${reason}`);
  }
  return { cert, key };
}

/** Everything the server start needs from files named by the options; UsageError on any problem. */
export function loadStartFiles(opts: { help: boolean; configFile?: string; tls?: { certFile: string; keyFile: string } }): {
  initialConfig?: ConfigDocumentInput;
  tls?: { cert: string; key: string };
} {
  if (opts.help) return {};
  return {
    ...(opts.configFile !== undefined ? { initialConfig: loadConfigFile(opts.configFile, '--config').doc } : {}),
    ...(opts.tls ? { tls: loadTlsFiles(opts.tls) } : {}),
  };
}
