// The field-by-field view of a change (old → new), shared by the service form's review step and
// "Revert this change" on an audit event.
/** One changed setting as shown: its path and both values as text (features/services/service-diff.ts makes them). */
interface DiffTableRow {
  path: string;
  from: string;
  to: string;
}

/** A table of changed settings; `caption` says what the rows are (read by screen readers). */
export function DiffTable({ rows, caption }: { rows: readonly DiffTableRow[]; caption: string }) {
  return (
    // Focusable: a long diff scrolls, and a keyboard user must be able to scroll it (axe: scrollable-region-focusable).
    <div className="table-wrap diff-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="table diff-table" data-testid="diff-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Running now</th>
            <th scope="col" className="diff-arrow">
              <span className="sr-only">to</span>
            </th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path} data-testid="diff-row" data-path={row.path}>
              <td className="mono diff-path">{row.path}</td>
              <td className="mono diff-from" data-testid="diff-from">
                {row.from}
              </td>
              <td className="diff-arrow" aria-hidden="true">
                →
              </td>
              <td className="mono diff-to" data-testid="diff-to">
                {row.to}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
