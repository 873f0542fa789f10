// Every kind of event in the event log (GET /api/events, the live feed): the admin's audit
// entries and the engine's transitions. Declared once; the console's colours are a Record over
// EventKind, so a new kind without a colour does not compile.

/** Kinds recorded by the admin for operator changes (the audit log). */
export const AUDIT_EVENT_KINDS = [
  'service-created',
  'service-updated',
  'service-deleted',
  'backend-added',
  'backend-updated',
  'backend-removed',
  'backend-rebalanced',
  'config-replaced',
  'token-created',
  'token-revoked',
  'connection-closed',
  'backend-connections-closed',
] as const;

/** Audit kinds of the connection list's closes (README "Connections"): recorded on the node that closed them. */
export const CONNECTION_AUDIT_KINDS = ['connection-closed', 'backend-connections-closed'] as const satisfies readonly (typeof AUDIT_EVENT_KINDS)[number][];

/** Kinds recorded from engine events (actor `engine`). */
export const ENGINE_EVENT_KINDS = ['backend-health', 'backend-state', 'backend-agent', 'backend-drained', 'rebalance-started', 'rebalance-ended', 'service-error'] as const;

/**
 * Kinds recorded by DNS discovery (actor `dns`): a group's members changed, its resolution failed
 * (the last known members stay), or it succeeded again after a failure.
 */
export const DISCOVERY_EVENT_KINDS = ['discovery-changed', 'discovery-failed', 'discovery-recovered'] as const;

/** Kinds recorded by a cluster node about itself (actor `cluster`). */
export const CLUSTER_EVENT_KINDS = ['apply-failed'] as const;

/** Kinds recorded by the admin process about its own start and graceful stop (actor `system`). */
export const LIFECYCLE_EVENT_KINDS = ['admin-started', 'admin-stopped'] as const;

/** Every event kind, in the order the README lists them. */
export const EVENT_KINDS = [...AUDIT_EVENT_KINDS, ...ENGINE_EVENT_KINDS, ...DISCOVERY_EVENT_KINDS, ...CLUSTER_EVENT_KINDS, ...LIFECYCLE_EVENT_KINDS] as const;

export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];
export type EngineEventKind = (typeof ENGINE_EVENT_KINDS)[number];
export type DiscoveryEventKind = (typeof DISCOVERY_EVENT_KINDS)[number];
export type ClusterEventKind = (typeof CLUSTER_EVENT_KINDS)[number];
export type LifecycleEventKind = (typeof LIFECYCLE_EVENT_KINDS)[number];
export type ConnectionAuditKind = (typeof CONNECTION_AUDIT_KINDS)[number];
export type EventKind = (typeof EVENT_KINDS)[number];
