import type { Citation, Message } from '../api/types.js';
import { Markdown } from '../components/markdown.js';

export function MessageView({ message }: { message: Message }) {
  const mine = message.role === 'user';
  return (
    <article class={`message ${mine ? 'mine' : 'theirs'}`} aria-label={mine ? 'You' : 'Assistant'}>
      {mine ? <p class="plain">{message.content}</p> : <Markdown text={message.content} />}
      {message.actionCalls && message.actionCalls.length > 0 && (
        <ul class="action-calls" aria-label="Actions called">
          {message.actionCalls.map((call, index) => (
            <li key={index}>
              <span class="label">Action</span> {call.name} <span class="muted">({String(call.status)})</span>
            </li>
          ))}
        </ul>
      )}
      {message.citations && message.citations.length > 0 && (
        <ul class="citations" aria-label="Sources">
          {message.citations.map((citation, index) => (
            <li key={index}>
              {citation.language && citation.excerpt ? (
                <CodeCitation citation={citation} />
              ) : (
                <>
                  <span class="label">Source</span> {citation.fileName}
                  {citation.page ? `, p. ${citation.page}` : ''}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

/** A cited source file: its name, and the passage in a code block the Markdown renderer highlights. */
function CodeCitation({ citation }: { citation: Citation }) {
  const code = citation.excerpt ?? '';
  // A fence longer than any backtick run in the code, so the code cannot end it early.
  const fence = '`'.repeat(Math.max(3, ...[...code.matchAll(/`+/g)].map((run) => run[0].length + 1)));
  return (
    <details class="code-citation">
      <summary>
        <span class="label">Source</span> {citation.fileName} <span class="muted">({citation.language})</span>
      </summary>
      <Markdown text={`${fence}${citation.language}\n${code}\n${fence}`} />
    </details>
  );
}
