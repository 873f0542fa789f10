// Checks shared by the change functions: addresses, strategies and optimistic versions.
// Each failure is an ApiError naming the field, thrown inside the change's transaction.
import type { HostPort } from '@fulcrum/shared/address';
import { parseAddress } from '@fulcrum/shared/address';
import { checkCidrList } from '@fulcrum/shared/cidr';
import { checkSniList } from '@fulcrum/shared/sni';
import type { HealthCheckSettings, StrategyOptionsDto } from '@fulcrum/shared/api';
import { isStrategyName } from '@fulcrum/shared/strategies';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { BOUNDED_LOAD_FACTOR, failureRateWindowProblem, isBoundedLoadFactor } from '@fulcrum/shared/limits';
import { ApiError, validationError } from '../http/api-error.ts';

/**
 * Parses a listen or backend address; 400 INVALID_ADDRESS naming `field` otherwise. Host names
 * (and IPv6 hex digits) are case-insensitive, so the host is lower-cased: stored addresses compare
 * as text and `LOCALHOST:6379` must be a duplicate of `localhost:6379`.
 */
export function checkAddress(input: string, field: string): HostPort {
  const parsed = parseAddress(input);
  if (!parsed.ok) throw new ApiError(400, 'INVALID_ADDRESS', `${field}: ${parsed.reason}`, field);
  return { host: parsed.value.host.toLowerCase(), port: parsed.value.port };
}

/** 400 INVALID_CIDR naming the entry (`allow[1]`) unless every entry of `list` is an address or CIDR. */
export function checkCidrs(list: string[], field: string): string[] {
  const bad = checkCidrList(list, field);
  if (bad !== null) throw new ApiError(400, 'INVALID_CIDR', `${bad.field}: ${bad.reason}`, bad.field);
  return [...list];
}

/** 400 INVALID_SNI naming the entry (`sni[1]`) unless `list` is null or a list of distinct valid server names. */
export function checkSni(list: string[] | null): string[] | null {
  if (list === null) return null;
  const bad = checkSniList(list, 'sni');
  if (bad !== null) throw new ApiError(400, 'INVALID_SNI', `${bad.field}: ${bad.reason}`, bad.field);
  return [...list];
}

/** `n thing` or `n things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** 400 UNKNOWN_STRATEGY unless `input` is a documented strategy name. */
export function checkStrategy(input: string): StrategyName {
  if (!isStrategyName(input)) {
    throw new ApiError(400, 'UNKNOWN_STRATEGY', `strategy: "${input}" is not a known strategy`, 'strategy');
  }
  return input;
}

/** boundedLoadFactor is 0 (unbounded) or 1.0–10 (BOUNDED_LOAD_FACTOR). */
export function checkStrategyOptions(options: StrategyOptionsDto): StrategyOptionsDto {
  const factor = options.boundedLoadFactor;
  if (factor !== undefined && !isBoundedLoadFactor(factor)) {
    const { off, min, max } = BOUNDED_LOAD_FACTOR;
    throw validationError('strategyOptions.boundedLoadFactor', `must be ${off} (unbounded) or between ${min}.0 and ${max}`);
  }
  return factor === undefined ? {} : { boundedLoadFactor: factor };
}

/** Rules that span fields of a merged health check. */
export function checkHealthCheck(hc: HealthCheckSettings): HealthCheckSettings {
  if (hc.httpStatusMin > hc.httpStatusMax) {
    throw validationError('healthCheck.httpStatusMin', 'must not be greater than healthCheck.httpStatusMax');
  }
  const window = failureRateWindowProblem(hc);
  if (window !== null) throw validationError('healthCheck.passiveWindow', window);
  if (hc.expectRegex) {
    try {
      new RegExp(hc.expect);
    } catch {
      throw validationError('healthCheck.expect', 'is not a valid regular expression');
    }
  }
  if (hc.type === 'send-expect' && hc.send === '' && hc.expect === '') {
    throw validationError('healthCheck.send', 'a send-expect check needs send or expect');
  }
  return hc;
}

/** Parses an If-Match header: `"3"`, `W/"3"`, `3`, or `*` (any version). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) throw validationError('if-match', 'must be a service version, e.g. "3"');
  return Number(match[1]);
}

/** 409 VERSION_CONFLICT when a version the client based its change on is stale. */
export function checkVersion(current: number, ...expected: (number | undefined)[]): void {
  for (const version of expected) {
    if (version !== undefined && version !== current) {
      throw new ApiError(
        409,
        'VERSION_CONFLICT',
        `the service is at version ${current}, not ${version}; re-read it and retry`,
        'version',
      );
    }
  }
}
