import type { ComponentChildren } from 'preact';
import { Spinner } from './spinner.js';

/** A list of rows under column headings; a spinner while the rows are loading (`rows` is null). */
export function ListTable<Row>({
  label,
  columns,
  rows,
  children,
}: {
  label: string;
  /** The headings; an empty one heads a column of buttons. */
  columns: string[];
  rows: Row[] | null;
  children: (row: Row) => ComponentChildren;
}) {
  if (rows === null) return <Spinner />;
  return (
    <table class="list" aria-label={label}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index}>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{rows.map(children)}</tbody>
    </table>
  );
}
