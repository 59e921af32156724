import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { TokenUsage } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';

const PERIODS = [7, 30, 90];
const count = (value: number) => value.toLocaleString();

/** Tokens used per user, GPT and model: everyone's for an admin, one's own for anyone else. */
export function UsagePage() {
  const [days, setDays] = useState(30);
  const [usage, setUsage] = useState<TokenUsage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setUsage(null);
    api<TokenUsage>('GET', `/api/usage/tokens?days=${days}`)
      .then(setUsage)
      .catch((caught) => setError(errorText(caught)));
  }, [days]);

  return (
    <main class="page">
      <h1>Token usage</h1>
      <p class="muted">
        {usage?.scope === 'all' ? 'Every user’s' : 'Your'} tokens per GPT and model (the model that answered,
        after any fallback), since {usage?.since ?? '…'}.
      </p>
      <label>
        Period{' '}
        <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {PERIODS.map((period) => (
            <option key={period} value={period}>
              last {period} days
            </option>
          ))}
        </select>
      </label>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {!usage && !error && <Spinner label="Loading usage" />}
      {usage && usage.items.length === 0 && <p class="muted">No tokens used in this period.</p>}
      {usage && usage.items.length > 0 && (
        <table class="list usage">
          <thead>
            <tr>
              {usage.scope === 'all' && <th scope="col">User</th>}
              <th scope="col">GPT</th>
              <th scope="col">Model</th>
              <th scope="col">Requests</th>
              <th scope="col">Prompt tokens</th>
              <th scope="col">Answer tokens</th>
            </tr>
          </thead>
          <tbody>
            {usage.items.map((item) => (
              <tr key={`${item.userId}:${item.gptId}:${item.model}`}>
                {usage.scope === 'all' && <td>{item.userEmail ?? item.userId}</td>}
                <td>
                  {item.gptId ? (item.gptName ?? 'deleted GPT') : <span class="muted">base model (/v1)</span>}
                </td>
                <td>
                  {item.model} <span class="muted">({item.provider})</span>
                </td>
                <td class="number">{count(item.requests)}</td>
                <td class="number">{count(item.promptTokens)}</td>
                <td class="number">{count(item.completionTokens)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={usage.scope === 'all' ? 3 : 2}>
                Total
              </th>
              <td class="number">{count(usage.totals.requests)}</td>
              <td class="number">{count(usage.totals.promptTokens)}</td>
              <td class="number">{count(usage.totals.completionTokens)}</td>
            </tr>
          </tfoot>
        </table>
      )}
    </main>
  );
}
