import type { Messages } from './messages';
import { en, zhCN } from './messages';

export const locales = ['en', 'zh-CN'] as const;
export type Locale = (typeof locales)[number];

export const catalogues: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

const storageKey = 'crm.locale';

export function isLocale(v: unknown): v is Locale {
  return (locales as readonly unknown[]).includes(v);
}

/** The user's stored choice, else the browser's language: zh* is zh-CN, everything else en. */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(storageKey);
  if (isLocale(stored)) return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Whether the user chose a language in this browser (the choice wins over their profile's). */
export function hasStoredLocale(): boolean {
  return isLocale(localStorage.getItem(storageKey));
}

export function storeLocale(locale: Locale) {
  localStorage.setItem(storageKey, locale);
}

/** A definition's text in the locale, else English, else the fallback (the API name). */
export function pickLabel(
  label: Partial<Record<string, string>> | undefined,
  locale: Locale,
  fallback: string,
): string {
  return label?.[locale] || label?.en || fallback;
}
