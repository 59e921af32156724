import { useState } from 'preact/hooks';
import { api, errorText, upload } from '../api/client.js';
import { Avatar } from '../components/avatar.js';
import { ErrorBanner } from '../components/error-banner.js';

export function AvatarField({
  gptId,
  name,
  avatar,
  onChange,
}: {
  gptId: string;
  name: string;
  avatar: string | null;
  onChange(avatar: string): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<{ avatar: string }>) {
    setBusy(true);
    setError(null);
    try {
      onChange((await work()).avatar);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="row avatar-field">
      <Avatar src={avatar} name={name} size={64} />
      <button
        type="button"
        disabled={busy}
        onClick={() => run(() => api('POST', `/api/gpts/${gptId}/avatar`))}
      >
        Generate
      </button>
      <label class="button">
        Upload…
        <input
          type="file"
          accept="image/png,image/jpeg,image/gif"
          class="visually-hidden"
          disabled={busy}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void run(() => upload(`/api/gpts/${gptId}/avatar`, file, () => {}));
            event.currentTarget.value = '';
          }}
        />
      </label>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
