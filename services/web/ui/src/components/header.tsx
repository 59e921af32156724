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
        <a href="#/usage">Usage</a>
      </nav>
      <span class="who" title={user.email}>
        {user.name ?? user.email}
      </span>
      <button type="button" class="subtle" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
