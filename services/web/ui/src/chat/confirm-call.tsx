import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { PendingCall } from '../api/types.js';

/**
 * Asks before the assistant runs an action that changes something. What the model read (a file, an
 * action's answer) may have asked it to make this call, so the card shows exactly what would be sent.
 */
export function ConfirmCall({
  sessionId,
  call,
  onAnswered,
}: {
  sessionId: string;
  call: PendingCall;
  onAnswered(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function answer(allow: boolean) {
    setBusy(true);
    try {
      await api('POST', `/api/sessions/${sessionId}/confirmations/${call.id}`, { allow });
      onAnswered();
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  }

  return (
    <div class="card notice confirm-call" role="alertdialog" aria-label="Confirm action">
      <p>
        The assistant wants to run <strong>{call.action}</strong> ({call.method}), which can change something.
        Allow it?
      </p>
      <pre class="arguments">{JSON.stringify(call.arguments, null, 2)}</pre>
      {error && <p class="error">{error}</p>}
      <div class="row">
        <button type="button" class="primary" disabled={busy} onClick={() => answer(true)}>
          Allow
        </button>
        <button type="button" disabled={busy} onClick={() => answer(false)}>
          Refuse
        </button>
      </div>
    </div>
  );
}
