import { useState } from 'preact/hooks';
import type { Action, ActionArgument } from '../api/types.js';
import { ArgumentsEditor, withPlaceholdersDeclared } from './arguments-editor.js';
import { KeyValueRows, type Rows, recordOf, rowsOf } from './key-value-rows.js';

export interface ActionDraft {
  name: string;
  description: string;
  method: Action['method'];
  url: string;
  headers: Record<string, string>;
  parameters: Record<string, string>;
  arguments: ActionArgument[];
  isActive: boolean;
}

const METHODS: Action['method'][] = ['GET', 'POST', 'PUT', 'DELETE'];

export function ActionForm({
  initial,
  onSave,
  onCancel,
}: {
  initial?: Action | undefined;
  onSave(draft: ActionDraft): Promise<void>;
  onCancel(): void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [method, setMethod] = useState<Action['method']>(initial?.method ?? 'GET');
  const [url, setUrl] = useState(initial?.url ?? 'https://');
  const [headers, setHeaders] = useState<Rows>(rowsOf(initial?.headers ?? {}));
  const [parameters, setParameters] = useState<Rows>(rowsOf(initial?.parameters ?? {}));
  const [args, setArgs] = useState<ActionArgument[]>(initial?.arguments ?? []);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const texts = [url, ...headers.map(([, value]) => value), ...parameters.map(([, value]) => value)];
      const declared = withPlaceholdersDeclared(args, texts);
      setArgs(declared);
      await onSave({
        name,
        description,
        method,
        url,
        headers: recordOf(headers),
        parameters: recordOf(parameters),
        arguments: declared,
        isActive: initial?.isActive ?? true,
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="stack card" onSubmit={submit} aria-label={initial ? `Edit ${initial.name}` : 'New action'}>
      <label>
        Name{' '}
        <span class="muted small">
          {initial ? (
            <>
              (the model calls it <code>{initial.toolName}</code>)
            </>
          ) : (
            '(any text; the model calls it by a name made from it, like get_weather)'
          )}
        </span>
        <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Description <span class="muted small">(tells the model when to call it)</span>
        <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <div class="row">
        <label>
          Method
          <select value={method} onChange={(e) => setMethod(e.currentTarget.value as Action['method'])}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          URL <span class="muted small">({'{{placeholders}}'} are filled from the call)</span>
          <input required type="text" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </label>
      </div>
      <KeyValueRows label="Headers" rows={headers} onChange={setHeaders} />
      <KeyValueRows label="Parameters" rows={parameters} onChange={setParameters} />
      <ArgumentsEditor value={args} onChange={setArgs} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save action'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
