import type { User } from '../api/types.js';

export function Header({ user, onSignOut }: { user: User; onSignOut(): void }) {
  return (
    <header class="top">
      <a class="brand" href="#/gpts">
        Chatty
      </a>
      <nav aria-label="Main">
        <a href="#/gpts">My GPTs</a>
        <a href="#/workspaces">Workspaces</a>
        <a href="#/keys">API keys</a>
        {user.role === 'admin' && <a href="#/users">Users</a>}
        <a href="#/usage">Usage</a>
      </nav>
      <a class="who" href="#/account" title={`${user.email}: password and sessions`}>
        {user.name ?? user.email}
      </a>
      <button type="button" class="subtle" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
