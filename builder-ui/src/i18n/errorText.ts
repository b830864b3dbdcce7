import { ApiError } from '../api/client';
import type { I18n } from './context';
import type { MessageKey } from './messages';

// Codes whose server message is not localized (the server localizes validation only).
const ownText: Partial<Record<string, MessageKey>> = {
  network_error: 'error.network',
  invalid_credentials: 'error.invalidCredentials',
};

/** What to tell the user about a failed request: our text for codes we know, else the server's. */
export function errorText(error: unknown, t: I18n['t']): string {
  const key = error instanceof ApiError ? ownText[error.code] : undefined;
  if (key) return t(key);
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
