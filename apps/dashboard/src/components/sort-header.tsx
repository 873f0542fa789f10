/** A sortable column header: a button inside the th, aria-sort on the th. */
export function SortHeader<K extends string>({
  sortKey,
  label,
  title,
  className,
  active,
  direction,
  onSort,
}: {
  sortKey: K;
  label: string;
  title?: string;
  className?: string;
  /** This column is the one sorted by. */
  active: boolean;
  direction: 'asc' | 'desc';
  onSort: (key: K) => void;
}) {
  const ariaSort = active ? (direction === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" className={className} aria-sort={ariaSort} title={title}>
      <button type="button" className={`sort-btn${active ? ' is-active' : ''}`} onClick={() => onSort(sortKey)} data-testid={`sort-${sortKey}`}>
        {label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
