import { describe, expect, it } from 'vitest';
import type { BackendDto, ServiceDto } from '@fulcrum/shared/api';
import { initialServicesSlice, removeBackend, removeService, replaceServices, resolveSelection, upsertBackend, upsertService } from './services-slice.ts';

function svc(id: number, version = 1, backends: BackendDto[] = []): ServiceDto {
  return { id, name: `svc-${id}`, version, backends } as unknown as ServiceDto;
}

function be(id: number, serviceId: number, weight = 1): BackendDto {
  return { id, serviceId, address: `10.0.0.${id}:1`, weight, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null };
}

describe('services slice', () => {
  it('replaces the list sorted by id and selects the first service', () => {
    const state = replaceServices(initialServicesSlice, [svc(3), svc(1)]);
    expect(state.services.map((s) => s.id)).toEqual([1, 3]);
    expect(state.selectedServiceId).toBe(1);
    expect(state.servicesLoaded).toBe(true);
  });

  it('keeps a valid selection and repairs a dangling one', () => {
    expect(resolveSelection([svc(1), svc(2)], 2)).toBe(2);
    expect(resolveSelection([svc(1), svc(2)], 7)).toBe(1);
    expect(resolveSelection([], 7)).toBeNull();
    const state = removeService(replaceServices({ ...initialServicesSlice, selectedServiceId: 2 }, [svc(1), svc(2)]), 2);
    expect(state.selectedServiceId).toBe(1);
  });

  it('never lets an older response overwrite a newer config push', () => {
    let state = replaceServices(initialServicesSlice, [svc(1, 5)]);
    state = upsertService(state, { ...svc(1, 4), name: 'stale' });
    expect(state.services[0]?.name).toBe('svc-1');
    state = upsertService(state, { ...svc(1, 6), name: 'fresh' });
    expect(state.services[0]?.name).toBe('fresh');
    state = upsertService(state, svc(2, 1));
    expect(state.services.map((s) => s.id)).toEqual([1, 2]);
  });

  it('upserts and removes backends inside their service only', () => {
    let state = replaceServices(initialServicesSlice, [svc(1, 1, [be(1, 1)]), svc(2, 1, [be(2, 2)])]);
    state = upsertBackend(state, be(1, 1, 5));
    state = upsertBackend(state, be(3, 1));
    expect(state.services[0]?.backends.map((b) => [b.id, b.weight])).toEqual([
      [1, 5],
      [3, 1],
    ]);
    expect(state.services[1]?.backends).toHaveLength(1);
    state = removeBackend(state, 1, 1);
    expect(state.services[0]?.backends.map((b) => b.id)).toEqual([3]);
  });
});
