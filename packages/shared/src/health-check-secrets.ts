// The one place a stored health check becomes its public shape: the password is write-only, so
// every answer (API, config export, events, live messages) carries `passwordSet` instead.
import type { HealthCheckDto, HealthCheckSettings } from './api.ts';

/** The API view of stored settings: no password, `passwordSet` tells whether one is stored. */
export function toPublicHealthCheck(settings: Readonly<HealthCheckSettings>): HealthCheckDto {
  const { password, ...rest } = settings;
  return { ...rest, passwordSet: password !== '' };
}
