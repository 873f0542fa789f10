// `limits` in a request becomes stored settings here: the fields given over the current ones (or
// the defaults). The schema (LimitsPatch) has checked each number's range already.
import type { ClientLimitsDto } from '@fulcrum/shared/api';
import type { LimitsPatch } from '../schemas/service-schemas.ts';
import { copyLimits } from '../store/services-repo.ts';

/** The limits `input` asks for over `base`; a field left out keeps `base`'s value. */
export function mergeLimits(base: Readonly<ClientLimitsDto>, input: LimitsPatch | undefined): ClientLimitsDto {
  if (input === undefined) return copyLimits(base);
  return copyLimits({
    perClientConnections: input.perClientConnections === undefined ? base.perClientConnections : input.perClientConnections,
    perClientRate: input.perClientRate === undefined ? base.perClientRate : input.perClientRate,
    serviceRate: input.serviceRate === undefined ? base.serviceRate : input.serviceRate,
    ipv6Prefix: input.ipv6Prefix ?? base.ipv6Prefix,
    tableSize: input.tableSize ?? base.tableSize,
  });
}
