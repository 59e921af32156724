import type { ComponentChildren } from 'preact';

/** What the last thing the user did came to, above the page's content. */
export function Notice({ children }: { children: ComponentChildren }) {
  if (!children) return null;
  return (
    <p class="card notice" role="status">
      {children}
    </p>
  );
}
