export type Rows = Array<[string, string]>;

export const rowsOf = (record: Record<string, string>): Rows => Object.entries(record);
export const recordOf = (rows: Rows): Record<string, string> =>
  Object.fromEntries(rows.filter(([name]) => name.trim()).map(([name, value]) => [name.trim(), value]));

/** Editable name/value pairs; values the server keeps secret ("***") are shown masked. */
export function KeyValueRows({
  label,
  rows,
  onChange,
}: {
  label: string;
  rows: Rows;
  onChange(rows: Rows): void;
}) {
  const set = (index: number, at: 0 | 1, text: string) =>
    onChange(rows.map((row, i) => (i === index ? (at === 0 ? [text, row[1]] : [row[0], text]) : row)));
  return (
    <fieldset>
      <legend>{label}</legend>
      {rows.map(([name, value], index) => (
        <div class="row" key={index}>
          <input
            aria-label={`${label} name ${index + 1}`}
            value={name}
            onInput={(e) => set(index, 0, e.currentTarget.value)}
          />
          <input
            class="grow"
            aria-label={`${label} value ${index + 1}`}
            type={value === '***' ? 'password' : 'text'}
            value={value}
            onInput={(e) => set(index, 1, e.currentTarget.value)}
          />
          <button
            type="button"
            aria-label={`Remove ${label} ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, ['', '']])}>
        Add {label.toLowerCase().replace(/s$/, '')}
      </button>
    </fieldset>
  );
}
