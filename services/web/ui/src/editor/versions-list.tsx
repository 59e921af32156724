import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { VersionPage } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';

type Summary = VersionPage['items'][number];

/** The GPT's history, newest first, loaded a page at a time when opened. */
export function VersionsList({ gptId, currentVersion }: { gptId: string; currentVersion: number }) {
  const [versions, setVersions] = useState<Summary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function load(cursor?: string) {
    setLoading(true);
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    api<VersionPage>('GET', `/api/gpts/${gptId}/versions${query}`)
      .then((page) => {
        setVersions((shown) => [...(cursor && shown ? shown : []), ...page.items]);
        setNextCursor(page.nextCursor);
      })
      .catch((caught) => setError(errorText(caught)))
      .finally(() => setLoading(false));
  }

  function toggle(event: Event) {
    if (!(event.currentTarget as HTMLDetailsElement).open) return;
    setVersions(null);
    setError(null);
    load();
  }

  return (
    <details class="card" onToggle={toggle}>
      <summary>Versions (now v{currentVersion})</summary>
      <ErrorBanner error={error} />
      {versions && versions.length > 0 && (
        // Numbered from the newest version down, so the numbers stay right while older pages load.
        <ol class="versions" reversed start={versions[0]!.version}>
          {versions.map((version) => (
            <li key={version.version}>
              <strong>v{version.version}</strong>{' '}
              <span class="muted">{new Date(version.createdAt).toLocaleString()}</span>
              <span class="muted">
                {' '}
                — {version.name}, {version.modelId}
              </span>
              {version.author && <span class="muted"> by {version.author.name ?? version.author.email}</span>}
            </li>
          ))}
        </ol>
      )}
      {loading && <Spinner />}
      {!loading && nextCursor && (
        <button type="button" class="link" onClick={() => load(nextCursor)}>
          Older versions
        </button>
      )}
    </details>
  );
}
