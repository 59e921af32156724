import type { Citation, FileCitation, Message, WebSearch } from '../api/types.js';
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
              <span class="label">Action</span> {call.name} <span class="muted">({call.status})</span>
            </li>
          ))}
        </ul>
      )}
      {message.searches && message.searches.length > 0 && (
        <ul class="action-calls" aria-label="Web searches">
          {message.searches.map((search, index) => (
            <SearchLine key={index} search={search} />
          ))}
        </ul>
      )}
      {message.citations && message.citations.length > 0 && (
        <ul class="citations" aria-label="Sources">
          {message.citations.map((citation, index) => (
            <li key={index}>
              {'fileId' in citation && citation.language && citation.excerpt ? (
                <CodeCitation citation={citation} />
              ) : (
                <>
                  <span class="label">Source</span> <CitationText citation={citation} />
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
function CodeCitation({ citation }: { citation: FileCitation }) {
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

/** A web search as the chat shows it, while it runs and afterwards. */
export function SearchLine({ search }: { search: WebSearch }) {
  const outcome =
    search.status === 'running'
      ? 'searching…'
      : search.status === 'ok'
        ? plural(search.results ?? 0, 'result')
        : 'failed';
  return (
    <li>
      <span class="label">Web search</span> “{search.query}” <span class="muted">({outcome})</span>
    </li>
  );
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function CitationText({ citation }: { citation: Citation }) {
  if ('url' in citation)
    return (
      // A link a model was shown: opened apart from the app, without the app as its referrer.
      <a href={citation.url} target="_blank" rel="noopener noreferrer nofollow">
        {citation.title || citation.url}
      </a>
    );
  return (
    <>
      {citation.fileName}
      {citation.page ? `, p. ${citation.page}` : ''}
    </>
  );
}
