// POST /api/services/:id/backends/:backendId/rebalance: the request (a window, optional) and the answer.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { REBALANCE_DEFAULT_WINDOW_MS, REBALANCE_LIMITS } from '@fulcrum/shared/limits';
import { OPTIONAL_BODY, intInRange } from './common-schemas.ts';

/** The body may be left out: the default window. */
export const RebalanceBody = Type.Object(
  { windowMs: Type.Optional({ ...intInRange(REBALANCE_LIMITS.windowMs), description: `how long the closes are spread over (default ${REBALANCE_DEFAULT_WINDOW_MS})` }) },
  { additionalProperties: false, [OPTIONAL_BODY]: true },
);
export type RebalanceBody = Static<typeof RebalanceBody> | undefined;

/** 202: the rebalance started; its end is the rebalance-ended event. */
export const RebalanceAnswer = Type.Object({
  serviceId: Type.Integer(),
  backendId: Type.Integer(),
  windowMs: Type.Integer(),
  connections: Type.Union([Type.Integer(), Type.Null()], {
    description: 'connections it will end (those relaying now); null with --workers, where each worker reports its own in the rebalance-started event (summed)',
  }),
});
export type RebalanceAnswer = Static<typeof RebalanceAnswer>;
