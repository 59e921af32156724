import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';

export interface Pages<Item> {
  /** What is loaded so far; null until the first page arrives. */
  items: Item[] | null;
  /** Whether the list goes on past what is loaded. */
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  /** Loads the next page onto the list. */
  more(): void;
  /** Loads the first page again (after a change), dropping the others. */
  reload(): Promise<void>;
}

/**
 * A list the API gives a page at a time (`{items, nextCursor?}`): the first page of `path` (which may
 * hold a query already), then more on demand. A new `path` starts over; a page that arrives after the
 * path changed is dropped, so a search typed quickly never shows an earlier search's rows.
 */
export function usePages<Item>(path: string): Pages<Item> {
  const [items, setItems] = useState<Item[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = useRef(path);
  current.current = path;

  async function load(cursor?: string) {
    const asked = path;
    setLoading(true);
    setError(null);
    const separator = asked.includes('?') ? '&' : '?';
    const url = cursor ? `${asked}${separator}cursor=${encodeURIComponent(cursor)}` : asked;
    try {
      const page = await api<{ items: Item[]; nextCursor?: string }>('GET', url);
      if (current.current !== asked) return;
      setItems((shown) => [...(cursor && shown ? shown : []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      if (current.current === asked) setError(errorText(caught));
    } finally {
      if (current.current === asked) setLoading(false);
    }
  }

  useEffect(() => {
    setItems(null);
    void load();
  }, [path]);

  return {
    items,
    hasMore: nextCursor !== undefined,
    loading,
    error,
    more: () => void (nextCursor && !loading && load(nextCursor)),
    reload: () => load(),
  };
}
