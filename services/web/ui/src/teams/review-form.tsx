import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { CatalogueItem, Review } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';

/** A member's rating (1–5) and short review of a published GPT; saving again replaces it. */
export function ReviewForm({
  workspaceId,
  item,
  onSaved,
}: {
  workspaceId: string;
  item: CatalogueItem;
  onSaved(): void;
}) {
  const [rating, setRating] = useState(String(item.rating.mine ?? 5));
  const [review, setReview] = useState('');
  const [reviews, setReviews] = useState<Review[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    try {
      await api('PUT', `/api/workspaces/${workspaceId}/catalogue/${item.gptId}/review`, {
        rating: Number(rating),
        review,
      });
      onSaved();
      await showReviews();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function showReviews() {
    const body = await api<{ items: Review[] }>(
      'GET',
      `/api/workspaces/${workspaceId}/catalogue/${item.gptId}/reviews`,
    );
    setReviews(body.items);
  }

  return (
    <form class="stack" onSubmit={save} aria-label={`Rate ${item.name}`}>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <div class="row">
        <label>
          Rating
          <select value={rating} onChange={(e) => setRating(e.currentTarget.value)}>
            {[5, 4, 3, 2, 1].map((value) => (
              <option key={value} value={String(value)}>
                {'★'.repeat(value)} {value}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Review
          <input maxLength={2000} value={review} onInput={(e) => setReview(e.currentTarget.value)} />
        </label>
        <button type="submit">{item.rating.mine ? 'Update rating' : 'Rate'}</button>
        <button
          type="button"
          class="link"
          onClick={() => showReviews().catch((caught) => setError(errorText(caught)))}
        >
          Reviews
        </button>
      </div>
      {reviews && (
        <ul class="bare-list small" aria-label="Reviews">
          {reviews.map((entry) => (
            <li key={entry.userId}>
              {'★'.repeat(entry.rating)} <strong>{entry.name ?? entry.email}</strong>
              {entry.review && ` — ${entry.review}`}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
