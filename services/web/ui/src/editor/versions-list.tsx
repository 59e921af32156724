import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Version } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';

export function VersionsList({ gptId, currentVersion }: { gptId: string; currentVersion: number }) {
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function toggle(event: Event) {
    const opened = (event.currentTarget as HTMLDetailsElement).open;
    setOpen(opened);
    if (opened) {
      setVersions(null);
      api<{ items: Version[] }>('GET', `/api/gpts/${gptId}/versions`)
        .then((body) => setVersions(body.items))
        .catch((caught) => setError(errorText(caught)));
    }
  }

  return (
    <details class="card" onToggle={toggle}>
      <summary>Versions (now v{currentVersion})</summary>
      <ErrorBanner error={error} />
      {open && !versions && !error && <Spinner />}
      {versions && (
        <ol class="versions" reversed>
          {versions.map((version) => (
            <li key={version.version}>
              <strong>v{version.version}</strong>{' '}
              <span class="muted">{new Date(version.createdAt).toLocaleString()}</span>
              <span class="muted">
                {' '}
                — {version.gpt.name}, {version.gpt.modelId}
              </span>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
