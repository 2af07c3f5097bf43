/** Seals a manager's page cursor into an opaque token bound to one caller scope (a session). */
export interface CursorSeal {
  seal(cursor: string, scope: string): Promise<string>;
  /** The cursor inside `token`, or undefined when it was altered, made for another scope, or by another secret. */
  open(token: string, scope: string): Promise<string | undefined>;
}

const IV_BYTES = 12;

/**
 * AES-GCM with the scope as additional data: the token hides the manager's cursor (a creation
 * ordinal, which would tell how many tasks the server made) and only opens in the scope it was
 * sealed for. The key is SHA-256 of `secret`, or random when there is none.
 */
export function createCursorSeal(secret?: string): CursorSeal {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  const keyOf = () => {
    key ??= (async () => {
      const raw =
        secret === undefined
          ? crypto.getRandomValues(new Uint8Array(32))
          : new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(secret)));
      return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    })();
    return key;
  };
  return {
    async seal(cursor, scope) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(scope) },
        await keyOf(),
        encoder.encode(cursor),
      );
      const bytes = new Uint8Array(IV_BYTES + sealed.byteLength);
      bytes.set(iv);
      bytes.set(new Uint8Array(sealed), IV_BYTES);
      return toBase64Url(bytes);
    },
    async open(token, scope) {
      const bytes = typeof token === 'string' ? fromBase64Url(token) : undefined;
      if (bytes === undefined || bytes.length <= IV_BYTES) return undefined;
      try {
        const opened = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES), additionalData: encoder.encode(scope) },
          await keyOf(),
          bytes.slice(IV_BYTES),
        );
        return decoder.decode(opened);
      } catch {
        return undefined;
      }
    },
  };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(token: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token)) return undefined;
  try {
    const binary = atob(token.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
