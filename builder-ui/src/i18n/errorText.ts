import { ApiError } from '../api/client';
import type { I18n } from './context';
import type { MessageKey } from './messages';

// The server writes the message of every error code in the language the app asks for
// (Accept-Language follows the app's language; engine/errors_catalog.go has every code in en and
// zh-CN, and a Go test walks the codes). Only failures that never got a server answer have our text.
const ownText: Partial<Record<string, MessageKey>> = {
  network_error: 'error.network',
  http_error: 'error.http',
};

/** What to tell the user about a failed request: the server's message, our text when there is none. */
export function errorText(error: unknown, t: I18n['t']): string {
  const key = error instanceof ApiError ? ownText[error.code] : undefined;
  if (key) return t(key);
  // As written: the server's messages are also read inside our sentences ("Not moved: {reason}").
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
