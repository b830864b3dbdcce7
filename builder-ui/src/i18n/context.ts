import { createContext, useContext } from 'react';
import type { Locale } from './locale';
import type { MessageKey } from './messages';

export interface I18n {
  locale: Locale;
  /** Switches the language; remember (the default) keeps it as this browser's choice. */
  setLocale: (locale: Locale, remember?: boolean) => void;
  /** The text of key in the current locale: an ICU message, its arguments ({name}, plurals) from vars. */
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
