// Which backends the charts show, driven by the legend: a click shows only that backend (a
// second click on the only one shown brings all back); shift-click hides or shows just that one.

/** The next set of hidden backend ids after a legend click on `id`. */
export function legendClick(all: readonly number[], hidden: ReadonlySet<number>, id: number, shift: boolean): Set<number> {
  if (shift) {
    const next = new Set(hidden);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    // Hiding the last visible one would leave empty charts: show everything instead.
    return all.every((x) => next.has(x)) ? new Set() : next;
  }
  const onlyThis = all.every((x) => (x === id ? !hidden.has(x) : hidden.has(x)));
  return onlyThis ? new Set() : new Set(all.filter((x) => x !== id));
}
