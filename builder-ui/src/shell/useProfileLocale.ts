import { useEffect } from 'react';
import { useMe } from '../api/auth';
import { useI18n } from '../i18n/context';
import { hasStoredLocale, isLocale } from '../i18n/locale';

/** Signed in, the app speaks the user's profile language unless they chose one in this browser. */
export function useProfileLocale() {
  const { locale, setLocale } = useI18n();
  const profile = useMe().data?.locale;
  useEffect(() => {
    if (!hasStoredLocale() && isLocale(profile) && profile !== locale) setLocale(profile, false);
  }, [profile, locale, setLocale]);
}
