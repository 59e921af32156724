import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Share, Workspace } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';

/** The owner shares the GPT with a team workspace or a colleague, as "can chat" or "can edit". */
export function SharePanel({ gptId }: { gptId: string }) {
  const [shares, setShares] = useState<Share[]>([]);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [grantee, setGrantee] = useState('');
  const [email, setEmail] = useState('');
  const [permission, setPermission] = useState<'chat' | 'edit'>('chat');
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      setShares((await api<{ items: Share[] }>('GET', `/api/gpts/${gptId}/shares`)).items);
      const teams = (await api<{ items: Workspace[] }>('GET', '/api/workspaces')).items.filter(
        (w) => !w.personal,
      );
      setWorkspaces(teams);
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  useEffect(() => void load(), [gptId]);

  async function share(event: Event) {
    event.preventDefault();
    try {
      const to = grantee === 'email' ? { email } : { workspaceId: grantee };
      await api('POST', `/api/gpts/${gptId}/shares`, { ...to, permission });
      setEmail('');
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function unshare(share: Share) {
    try {
      await api('DELETE', `/api/gpts/${gptId}/shares/${share.id}`);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <details class="card">
      <summary>Sharing ({shares.length})</summary>
      <div class="stack">
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <ul class="bare-list" aria-label="Shares">
          {shares.map((share) => {
            const who = share.workspace?.name ?? share.user?.email ?? '';
            return (
              <li key={share.id} class="row spread">
                <span>
                  {who} <span class="tag">{share.permission === 'edit' ? 'can edit' : 'can chat'}</span>
                  {!share.inForce && (
                    <span class="muted"> — not in force: the owner is no longer in this workspace</span>
                  )}
                </span>
                <ConfirmButton
                  label={`Stop sharing with ${who}`}
                  confirm={`Stop sharing with ${who}? Their access ends now.`}
                  onConfirm={() => unshare(share)}
                />
              </li>
            );
          })}
        </ul>
        <form class="row wrap" onSubmit={share}>
          <label>
            Share with
            <select required value={grantee} onChange={(e) => setGrantee(e.currentTarget.value)}>
              <option value="" disabled>
                Choose…
              </option>
              {workspaces.map((workspace) => (
                <option key={workspace.id} value={workspace.id}>
                  {workspace.name} (workspace)
                </option>
              ))}
              <option value="email">A person, by email</option>
            </select>
          </label>
          {grantee === 'email' && (
            <label>
              Email
              <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </label>
          )}
          <label>
            Permission
            <select
              value={permission}
              onChange={(e) => setPermission(e.currentTarget.value as 'chat' | 'edit')}
            >
              <option value="chat">Can chat</option>
              <option value="edit">Can edit</option>
            </select>
          </label>
          <button type="submit">Share</button>
        </form>
        <p class="muted small">
          People you share with chat with your knowledge and actions, never seeing action URLs or secrets;
          their conversations stay theirs. Knowledge files and actions are managed by you alone.
        </p>
      </div>
    </details>
  );
}
