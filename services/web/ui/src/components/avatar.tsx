/** Avatars are data URLs the registry produced or checked (raster by content, SVG only its own). */
export function Avatar({ src, name, size = 48 }: { src: string | null; name: string; size?: number }) {
  if (!src)
    return <span class="avatar placeholder" style={{ width: size, height: size }} aria-hidden="true" />;
  return <img class="avatar" src={src} alt={`${name} avatar`} width={size} height={size} />;
}
