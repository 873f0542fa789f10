// Loads what a revert (revert-plan.ts) would change against the service as it runs now, sends it
// through the normal API with If-Match, and words the outcome for the operator.
import { ApiError, errorMessage } from '../../lib/api-client.ts';
import { backendChanged, serviceSaved } from '../../store/actions.ts';
import { updateBackend, type BackendPatch } from '../backends/backends-api.ts';
import { getService, updateService, type ServicePatch } from '../services/services-api.ts';
import { checkRevert, type RevertCheck, type RevertPlan } from './revert-plan.ts';

type Plan = Extract<RevertPlan, { ok: true }>;

/** The revert checked against the service the API has now (never the console's copy, which may lag). */
export async function loadRevert(plan: Plan): Promise<RevertCheck> {
  try {
    return checkRevert(plan, await getService(plan.serviceId));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return checkRevert(plan, undefined);
    return { ok: false, reason: `Cannot read the service: ${errorMessage(error)}` };
  }
}

/** What happened to a revert: applied, or refused with a sentence that says why. */
export type RevertOutcome = { ok: true } | { ok: false; message: string };

/** PATCHes the old values back with If-Match of the version they were checked against; never retries. */
export async function applyRevert(plan: Plan, version: number): Promise<RevertOutcome> {
  try {
    if (plan.backendId === null) serviceSaved(await updateService(plan.serviceId, plan.patch as ServicePatch, version));
    else {
      const backendId = plan.backendId;
      await backendChanged(() => updateBackend(plan.serviceId, backendId, plan.patch as BackendPatch, version));
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'VERSION_CONFLICT' || error.statusCode === 412)) {
      return { ok: false, message: 'Not reverted: the service changed while this dialog was open. Nothing was applied; close it and look at the newer change.' };
    }
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return { ok: false, message: `Not reverted: ${errorMessage(error)} no longer exists. Nothing was applied.` };
    return { ok: false, message: `Not reverted: ${errorMessage(error)}` };
  }
}
