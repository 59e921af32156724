import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Publication, Workspace } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';

/** Publishing is a step apart from saving: a workspace's catalogue shows the version published here. */
export function PublishPanel({ gptId, version }: { gptId: string; version: number }) {
  const [publications, setPublications] = useState<Publication[]>([]);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [workspaceId, setWorkspaceId] = useState('');
  const [category, setCategory] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      setPublications((await api<{ items: Publication[] }>('GET', `/api/gpts/${gptId}/publications`)).items);
      const teams = (await api<{ items: Workspace[] }>('GET', '/api/workspaces')).items.filter(
        (w) => !w.personal,
      );
      setWorkspaces(teams);
      setWorkspaceId((chosen) => chosen || teams[0]?.id || '');
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
        {workspaces.length === 0 ? (
          <p class="muted small">Create or join a team workspace to publish to its catalogue.</p>
        ) : (
          <form class="row wrap" onSubmit={publish}>
            <label>
              Catalogue of
              <select value={workspaceId} onChange={(e) => setWorkspaceId(e.currentTarget.value)}>
                {workspaces.map((workspace) => (
                  <option key={workspace.id} value={workspace.id}>
                    {workspace.name}
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
