import Type, { type TObject } from 'typebox';

/** Schema annotation: the URL key this password goes into. */
const PASSWORD_OF = 'x-password-of';

/**
 * A key holding the password of the URL in `urlKey`. It lets a deployment keep the URL in plain
 * configuration and only the password in a secret (`DATABASE_PASSWORD_FILE` can name the very file
 * the postgres image reads as `POSTGRES_PASSWORD_FILE`), and any character is safe in it: it is
 * percent-encoded on its way into the URL.
 */
export function urlPassword(urlKey: string) {
  return Type.Optional(Type.String({ minLength: 1, [PASSWORD_OF]: urlKey }));
}

/**
 * Puts each password declared with `urlPassword` into its URL, in place. A URL that has a password
 * already is a problem, not an override: two sources of one secret drift apart. Problems name keys only.
 */
export function applyUrlPasswords(schema: TObject, values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, property] of Object.entries(schema.properties)) {
    const urlKey = (property as Record<string, unknown>)[PASSWORD_OF];
    const password = values[key];
    if (typeof urlKey !== 'string' || typeof password !== 'string' || password === '') continue;
    let url: URL;
    try {
      url = new URL(String(values[urlKey]));
    } catch {
      problems.push(`${key}: ${urlKey} is not a URL to put it in`);
      continue;
    }
    if (url.password) {
      problems.push(`${key}: ${urlKey} has a password already; give it in one place`);
      continue;
    }
    url.password = encodeURIComponent(password);
    values[urlKey] = url.toString();
  }
  return problems;
}
