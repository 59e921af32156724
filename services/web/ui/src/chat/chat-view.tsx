import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../api/client.js';
import { postForEvents } from '../api/sse.js';
import type {
  ActionEvent,
  Message,
  PendingCall,
  Session,
  SessionWithMessages,
  WebSearch,
} from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { ConfirmCall } from './confirm-call.js';
import { MessageView, SearchLine } from './message-view.js';

interface ChatViewProps {
  gptId: string;
  sessionId?: string | undefined;
  starters: string[];
  onSession?(session: Session): void;
}

/** One conversation: history, a streamed answer as it arrives, actions as they run, and a stop button. */
export function ChatView({ gptId, sessionId, starters, onSession }: ChatViewProps) {
  const [messages, setMessages] = useState<Message[]>([]);
  /** Where the messages shown begin, when older ones exist: the server sends the newest page first. */
  const [olderCursor, setOlderCursor] = useState<string | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [loading, setLoading] = useState(Boolean(sessionId));
  const [input, setInput] = useState('');
  const [streaming, setStreaming] = useState<{
    content: string;
    actions: ActionEvent[];
    /** A call that changes something, waiting for the user's Allow or Refuse. */
    pending?: PendingCall | undefined;
    searches: WebSearch[];
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const current = useRef<string | undefined>(sessionId);
  // A session this view just created is already on screen; reloading it mid-answer would flicker.
  const createdHere = useRef<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  /** The list's height before earlier messages went above: the view then stays on what it showed. */
  const heightBefore = useRef<number | null>(null);

  useEffect(() => {
    if (sessionId && sessionId === createdHere.current) return;
    current.current = sessionId;
    setMessages([]);
    setOlderCursor(undefined);
    if (!sessionId) return setLoading(false);
    setLoading(true);
    api<SessionWithMessages>('GET', `/api/sessions/${sessionId}`)
      .then((session) => {
        setMessages(session.messages);
        setOlderCursor(session.olderCursor);
      })
      .catch((caught) => setError(errorText(caught)))
      .finally(() => setLoading(false));
  }, [sessionId]);

  // Down to the newest message as one arrives; not when earlier ones are put above (the last stays).
  const lastId = messages.at(-1)?.id;
  useEffect(() => bottom.current?.scrollIntoView?.({ block: 'end' }), [lastId, streaming]);
  useLayoutEffect(() => {
    const box = list.current;
    if (heightBefore.current === null || !box) return;
    box.scrollTop += box.scrollHeight - heightBefore.current;
    heightBefore.current = null;
  }, [messages]);
  useEffect(() => () => abort.current?.abort(), []);

  /** The page of messages just before those shown, put above them. */
  function showEarlier() {
    const id = current.current;
    if (!id || !olderCursor) return;
    setLoadingOlder(true);
    api<SessionWithMessages>('GET', `/api/sessions/${id}?before=${encodeURIComponent(olderCursor)}`)
      .then((page) => {
        // Another conversation opened meanwhile: this page is not of it.
        if (current.current !== id) return;
        heightBefore.current = list.current?.scrollHeight ?? null;
        setMessages((shown) => [...page.messages, ...shown]);
        setOlderCursor(page.olderCursor);
      })
      .catch((caught) => setError(errorText(caught)))
      .finally(() => setLoadingOlder(false));
  }

  async function ensureSession(): Promise<string> {
    if (current.current) return current.current;
    const session = await api<Session>('POST', `/api/gpts/${gptId}/sessions`);
    current.current = session.id;
    createdHere.current = session.id;
    onSession?.(session);
    return session.id;
  }

  async function send(content: string) {
    if (!content.trim() || streaming) return;
    setError(null);
    setInput('');
    const optimistic: Message = {
      id: `local-${Date.now()}`,
      role: 'user',
      content,
      createdAt: new Date().toISOString(),
    };
    setMessages((list) => [...list, optimistic]);
    setStreaming({ content: '', actions: [], searches: [] });
    const controller = new AbortController();
    abort.current = controller;
    try {
      const id = await ensureSession();
      await postForEvents(
        `/api/sessions/${id}/messages`,
        { content },
        {
          onEvent(event, data) {
            if (event === 'delta') {
              const piece = (data as { content?: string }).content ?? '';
              setStreaming((state) => state && { ...state, content: state.content + piece });
            } else if (event === 'action') {
              setStreaming(
                (state) => state && { ...state, actions: upsert(state.actions, data as ActionEvent) },
              );
            } else if (event === 'confirm') {
              setStreaming((state) => state && { ...state, pending: data as PendingCall });
            } else if (event === 'search') {
              const search = data as WebSearch;
              setStreaming(
                (state) =>
                  state && {
                    ...state,
                    searches: [...state.searches.filter((each) => each.query !== search.query), search],
                  },
              );
            } else if (event === 'done') {
              // The stored message takes the streamed one's place at once: the stream may take a
              // moment more to close, and the answer must not show twice meanwhile.
              setMessages((list) => [...list, (data as { message: Message }).message]);
              setStreaming(null);
            } else if (event === 'error') {
              const problem = (data as { error?: { message?: string } }).error;
              setError(problem?.message ?? 'The answer failed; retry');
            }
          },
        },
        controller.signal,
      );
    } catch (caught) {
      if (controller.signal.aborted) setError('Stopped.');
      else setError(caught instanceof ApiError ? caught.message : errorText(caught));
    } finally {
      abort.current = null;
      setStreaming(null);
    }
  }

  return (
    <section class="chat" aria-label="Conversation">
      <div class="messages" aria-live="polite" ref={list}>
        {loading && <Spinner label="Loading conversation" />}
        {!loading && olderCursor && (
          <button type="button" class="link" disabled={loadingOlder} onClick={showEarlier}>
            Show earlier messages
          </button>
        )}
        {!loading && messages.length === 0 && !streaming && starters.length > 0 && (
          <fieldset class="starters">
            <legend class="visually-hidden">Conversation starters</legend>
            {starters.map((starter) => (
              <button type="button" key={starter} onClick={() => send(starter)}>
                {starter}
              </button>
            ))}
          </fieldset>
        )}
        {messages.map((message) => (
          <MessageView key={message.id} message={message} />
        ))}
        {streaming && (
          <>
            {streaming.actions.map((action) => (
              <p class="muted action-event" key={action.name}>
                <span class="label">Action</span> {action.name}: {action.status}
              </p>
            ))}
            {streaming.pending && current.current && (
              <ConfirmCall
                sessionId={current.current}
                call={streaming.pending}
                onAnswered={() => setStreaming((state) => state && { ...state, pending: undefined })}
              />
            )}
            {streaming.searches.length > 0 && (
              <ul class="action-calls" aria-label="Web searches">
                {streaming.searches.map((search) => (
                  <SearchLine key={search.query} search={search} />
                ))}
              </ul>
            )}
            {streaming.content ? (
              <MessageView
                message={{ id: 'streaming', role: 'assistant', content: streaming.content, createdAt: '' }}
              />
            ) : (
              <Spinner label="Thinking" />
            )}
          </>
        )}
        <div ref={bottom} />
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          void send(input);
        }}
      >
        <textarea
          aria-label="Message"
          placeholder="Message the GPT… (Enter to send, Shift+Enter for a new line)"
          value={input}
          rows={2}
          onInput={(event) => setInput(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              void send(input);
            }
          }}
        />
        {streaming ? (
          <button type="button" class="danger" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : (
          <button type="submit" class="primary" disabled={!input.trim()}>
            Send
          </button>
        )}
      </form>
    </section>
  );
}

function upsert(actions: ActionEvent[], action: ActionEvent): ActionEvent[] {
  const others = actions.filter((existing) => existing.name !== action.name);
  return [...others, action];
}
