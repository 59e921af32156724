import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Gpt, Session } from '../api/types.js';
import { ChatView } from '../chat/chat-view.js';
import { Avatar } from '../components/avatar.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { usePages } from '../components/use-pages.js';
import { navigate } from '../router.js';

export function ChatPage({ gptId, sessionId }: { gptId: string; sessionId?: string | undefined }) {
  const [gpt, setGpt] = useState<Gpt | null>(null);
  const sessions = usePages<Session>(`/api/gpts/${gptId}/sessions`);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Gpt>('GET', `/api/gpts/${gptId}`)
      .then(setGpt)
      .catch((caught) => setError(errorText(caught)));
  }, [gptId]);

  if (!gpt) return <main class="page">{error ? <ErrorBanner error={error} /> : <Spinner />}</main>;
  return (
    <main class="chat-page">
      <aside class="sessions" aria-label="Conversations">
        <a class="button" href={`#/chat/${gptId}`}>
          New chat
        </a>
        <ul>
          {(sessions.items ?? []).map((session) => (
            <li key={session.id}>
              <a
                href={`#/chat/${gptId}/${session.id}`}
                aria-current={session.id === sessionId ? 'page' : undefined}
              >
                {new Date(session.createdAt).toLocaleString()}
              </a>
            </li>
          ))}
        </ul>
        {sessions.hasMore && (
          <button type="button" class="link" disabled={sessions.loading} onClick={sessions.more}>
            Load more
          </button>
        )}
      </aside>
      <div class="chat-main">
        <div class="row">
          <Avatar src={gpt.avatar} name={gpt.name} size={36} />
          <h1>{gpt.name}</h1>
          {(!gpt.access || gpt.access === 'edit') && (
            <a href={`#/gpts/${gpt.id}`} class="subtle">
              Edit
            </a>
          )}
          {gpt.access && (
            <span class="tag">
              {gpt.access === 'catalogue' ? `published v${gpt.version}` : 'shared with you'}
            </span>
          )}
        </div>
        <ErrorBanner error={error ?? sessions.error} onDismiss={() => setError(null)} />
        <ChatView
          gptId={gptId}
          sessionId={sessionId}
          starters={gpt.conversationStarters}
          onSession={(session) => {
            void sessions.reload();
            navigate(`/chat/${gptId}/${session.id}`);
          }}
        />
      </div>
    </main>
  );
}
