import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { User, Workspace } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { navigate } from '../router.js';

interface InvitationInfo {
  workspaceName: string;
  email: string;
  role: string;
  expiresAt: string;
  expired: boolean;
  accepted: boolean;
}

/** Where an invitation link lands: what it offers, and joining when signed in with the invited email. */
export function InvitationPage({ token, user }: { token: string; user: User }) {
  const [info, setInfo] = useState<InvitationInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<InvitationInfo>('GET', `/api/invitations/${encodeURIComponent(token)}`)
      .then(setInfo)
      .catch((caught) => setError(errorText(caught)));
  }, [token]);

  async function accept() {
    try {
      const workspace = await api<Workspace>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`);
      navigate(`/workspaces/${workspace.id}`);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  if (!info) return <main class="page">{error ? <ErrorBanner error={error} /> : <Spinner />}</main>;
  const forSomeoneElse = info.email !== user.email.toLowerCase();
  return (
    <main class="page stack">
      <h1>Join {info.workspaceName}</h1>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <p>
        This invitation is for <strong>{info.email}</strong> as {info.role}.
      </p>
      {info.accepted ? (
        <p class="muted">It was already used.</p>
      ) : info.expired ? (
        <p class="muted">It expired; ask for a new one.</p>
      ) : forSomeoneElse ? (
        <p class="muted">
          You are signed in as {user.email}: sign out and sign in as {info.email} to join.
        </p>
      ) : (
        <button type="button" class="primary" onClick={accept}>
          Join {info.workspaceName}
        </button>
      )}
    </main>
  );
}
