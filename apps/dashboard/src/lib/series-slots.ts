// Which style slot each backend of a service gets. A backend keeps its slot for as long as it is
// known (configured, in the live stats or in the chart history), so adding or removing one never
// repaints the others, and two backends known at the same time never share a slot.

/** Backend id → slot. */
export type SlotMap = ReadonlyMap<number, number>;

/**
 * The slots for `ids` given the previous assignment: ids that had a slot keep it, ids no longer
 * known free theirs, and new ids (in ascending order) take the lowest free slots.
 */
export function assignSlots(previous: SlotMap, ids: Iterable<number>): Map<number, number> {
  const wanted = [...new Set(ids)].sort((a, b) => a - b);
  const next = new Map<number, number>();
  for (const id of wanted) {
    const slot = previous.get(id);
    if (slot !== undefined) next.set(id, slot);
  }
  const used = new Set(next.values());
  let free = 0;
  for (const id of wanted) {
    if (next.has(id)) continue;
    while (used.has(free)) free++;
    next.set(id, free);
    used.add(free);
  }
  return next;
}
