import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { CatalogueItem, Review } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';

interface ReviewPage {
  items: Review[];
  nextCursor?: string;
}

/**
 * A member's rating (1–5) and short review of a published GPT; saving again replaces it. The GPT's
 * owner may not rate it (the server refuses: 403 OWN_GPT), so they are shown its reviews only.
 */
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
  const [nextCursor, setNextCursor] = useState<string | undefined>(undefined);
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

  const fetchReviews = (cursor?: string) =>
    api<ReviewPage>(
      'GET',
      `/api/workspaces/${workspaceId}/catalogue/${item.gptId}/reviews${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
    );

  async function showReviews() {
    const page = await fetchReviews();
    setReviews(page.items);
    setNextCursor(page.nextCursor);
  }

  async function moreReviews() {
    const page = await fetchReviews(nextCursor);
    setReviews((shown) => [...(shown ?? []), ...page.items]);
    setNextCursor(page.nextCursor);
  }

  return (
    <form
      class="stack"
      onSubmit={save}
      aria-label={item.yours ? `Reviews of ${item.name}` : `Rate ${item.name}`}
    >
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <div class="row">
        {item.yours ? (
          <span class="muted small grow">Your GPT: the workspace's members rate it.</span>
        ) : (
          <>
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
          </>
        )}
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
      {nextCursor && (
        <button
          type="button"
          class="link"
          onClick={() => moreReviews().catch((caught) => setError(errorText(caught)))}
        >
          More reviews
        </button>
      )}
    </form>
  );
}
