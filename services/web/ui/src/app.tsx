import { useEffect, useState } from 'preact/hooks';
import { api, onSignedOut, session } from './api/client.js';
import type { User } from './api/types.js';
import { Header } from './components/header.js';
import { Spinner } from './components/spinner.js';
import { AccountPage } from './pages/account-page.js';
import { AuthPage } from './pages/auth-page.js';
import { ChatPage } from './pages/chat-page.js';
import { GptEditorPage } from './pages/gpt-editor-page.js';
import { GptListPage } from './pages/gpt-list-page.js';
import { InvitationPage } from './pages/invitation-page.js';
import { JoinPage } from './pages/join-page.js';
import { KeysPage } from './pages/keys-page.js';
import { UsagePage } from './pages/usage-page.js';
import { UsersPage } from './pages/users-page.js';
import { WorkspacesPage } from './pages/workspaces-page.js';
import { navigate, useRoute } from './router.js';

export function App() {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(Boolean(session.token));
  const route = useRoute();

  useEffect(() => {
    if (session.token) {
      api<User>('GET', '/api/auth/me')
        .then(setUser)
        .catch(() => {
          session.token = null;
        })
        .finally(() => setChecking(false));
    }
    return onSignedOut(() => setUser(null));
  }, []);

  async function signOut() {
    // Ends the session on the server too, so the token stops working wherever it was copied.
    await api('POST', '/api/auth/logout').catch(() => undefined);
    session.token = null;
    setUser(null);
  }

  if (checking)
    return (
      <main class="page">
        <Spinner />
      </main>
    );
  const [section, id, sub] = route;
  if (!user && section === 'join' && id) {
    return (
      <JoinPage
        token={id}
        onSignedIn={(joined) => {
          setUser(joined);
          navigate('/gpts');
        }}
      />
    );
  }
  if (!user)
    return (
      <AuthPage
        onSignedIn={(signedIn) => {
          setUser(signedIn);
          // An invitation link opened while signed out stays where it was after signing in.
          if (!location.hash.startsWith('#/invitations/')) navigate('/gpts');
        }}
      />
    );

  let page = <GptListPage />;
  if (section === 'keys') page = <KeysPage />;
  else if (section === 'account') page = <AccountPage />;
  else if (section === 'users' && user.role === 'admin') page = <UsersPage selfId={user.id} />;
  else if (section === 'usage') page = <UsagePage />;
  else if (section === 'gpts' && id) page = <GptEditorPage gptId={id === 'new' ? null : id} />;
  else if (section === 'chat' && id) page = <ChatPage gptId={id} sessionId={sub} />;
  else if (section === 'workspaces') page = <WorkspacesPage workspaceId={id} />;
  else if (section === 'invitations' && id) page = <InvitationPage token={id} user={user} />;
  else if (section === 'join') {
    page = (
      <main class="page">
        <p class="card notice" role="status">
          This invitation link makes a new account. You are signed in as {user.email}: sign out first to use
          it.
        </p>
      </main>
    );
  }

  return (
    <>
      <Header user={user} onSignOut={signOut} />
      {page}
    </>
  );
}
