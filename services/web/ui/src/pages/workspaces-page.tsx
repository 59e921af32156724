import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Workspace } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { navigate } from '../router.js';
import { CataloguePanel } from '../teams/catalogue-panel.js';
import { MembersPanel } from '../teams/members-panel.js';

/** The caller's workspaces; the chosen one's members, invitations and catalogue. */
export function WorkspacesPage({ workspaceId }: { workspaceId?: string | undefined }) {
  const [workspaces, setWorkspaces] = useState<Workspace[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: Workspace[] }>('GET', '/api/workspaces')
      .then((body) => setWorkspaces(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), [workspaceId]);

  async function create(event: Event) {
    event.preventDefault();
    try {
      const created = await api<Workspace>('POST', '/api/workspaces', { name });
      setName('');
      await load();
      navigate(`/workspaces/${created.id}`);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  if (!workspaces) return <main class="page">{error ? <ErrorBanner error={error} /> : <Spinner />}</main>;
  const selected = workspaces.find((workspace) => workspace.id === workspaceId);
  return (
    <main class="page stack">
      <h1>Workspaces</h1>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <nav aria-label="Workspaces" class="row wrap">
        {workspaces.map((workspace) => (
          <a
            key={workspace.id}
            class="button"
            href={`#/workspaces/${workspace.id}`}
            aria-current={workspace.id === workspaceId ? 'page' : undefined}
          >
            {workspace.name} <span class="muted small">({workspace.role})</span>
          </a>
        ))}
      </nav>
      <form class="row" onSubmit={create}>
        <label class="grow">
          New team workspace
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit">Create workspace</button>
      </form>
      {selected ? (
        <>
          <h2>{selected.name}</h2>
          <MembersPanel workspace={selected} onChange={load} />
          <CataloguePanel workspace={selected} />
        </>
      ) : (
        <p class="muted">
          Choose a workspace. Your personal one is yours alone; create a team workspace to invite people.
        </p>
      )}
    </main>
  );
}
