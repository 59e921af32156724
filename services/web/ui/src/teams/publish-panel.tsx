import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Publication, PublicationList, PublishTarget } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';

/**
 * Publishing is a step apart from saving: a workspace's catalogue shows the version published here.
 * Only the workspaces the server names as targets are offered: an editor publishes only where the
 * GPT's owner is a member too.
 */
export function PublishPanel({ gptId, version }: { gptId: string; version: number }) {
  const [publications, setPublications] = useState<Publication[]>([]);
  const [targets, setTargets] = useState<PublishTarget[]>([]);
  const [workspaceId, setWorkspaceId] = useState('');
  const [category, setCategory] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const list = await api<PublicationList>('GET', `/api/gpts/${gptId}/publications`);
      setPublications(list.items);
      setTargets(list.targets);
      setWorkspaceId((chosen) =>
        list.targets.some((target) => target.workspaceId === chosen)
          ? chosen
          : (list.targets[0]?.workspaceId ?? ''),
      );
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  useEffect(() => void load(), [gptId]);

  async function publish(event: Event) {
    event.preventDefault();
    try {
      await api('POST', `/api/gpts/${gptId}/publish`, { workspaceId, category, version });
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function unpublish(publication: Publication) {
    try {
      await api('DELETE', `/api/gpts/${gptId}/publish/${publication.workspaceId}`);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <details class="card">
      <summary>Publish ({publications.length})</summary>
      <div class="stack">
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <ul class="bare-list" aria-label="Publications">
          {publications.map((publication) => (
            <li key={publication.workspaceId} class="row spread">
              <span>
                v{publication.version} in {publication.workspaceName}
                {publication.category && <span class="tag">{publication.category}</span>}
              </span>
              <button type="button" class="subtle" onClick={() => unpublish(publication)}>
                Unpublish from {publication.workspaceName}
              </button>
            </li>
          ))}
        </ul>
        {targets.length === 0 ? (
          <p class="muted small">
            No catalogue to publish to: a GPT is published to a team workspace that both you and its owner are
            in.
          </p>
        ) : (
          <form class="row wrap" onSubmit={publish}>
            <label>
              Catalogue of
              <select value={workspaceId} onChange={(e) => setWorkspaceId(e.currentTarget.value)}>
                {targets.map((target) => (
                  <option key={target.workspaceId} value={target.workspaceId}>
                    {target.workspaceName}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Category
              <input maxLength={50} value={category} onInput={(e) => setCategory(e.currentTarget.value)} />
            </label>
            <button type="submit">Publish v{version}</button>
          </form>
        )}
      </div>
    </details>
  );
}
