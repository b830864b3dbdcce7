import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { meKey, saveOwnLocale, useMe } from '../api/auth';
import { useI18n } from '../i18n/context';
import { hasStoredLocale, isLocale } from '../i18n/locale';

/**
 * Signed in, the app and the profile speak one language, since notifications are written in the
 * profile's: a language chosen in this browser (the switch, here or before signing in) becomes the
 * profile's; without one, the app speaks the profile's.
 */
export function useProfileLocale() {
  const { locale, setLocale } = useI18n();
  const queryClient = useQueryClient();
  const me = useMe().data;
  const saving = useRef<string | null>(null);
  useEffect(() => {
    if (!me) return;
    if (!hasStoredLocale()) {
      if (isLocale(me.locale) && me.locale !== locale) setLocale(me.locale, false);
      return;
    }
    if (me.locale === locale || saving.current === locale) return;
    saving.current = locale;
    saveOwnLocale(locale)
      .then((saved) => queryClient.setQueryData(meKey, saved))
      // The app still speaks the chosen language; the profile is set again at the next sign-in.
      .catch(() => undefined)
      .finally(() => {
        if (saving.current === locale) saving.current = null;
      });
  }, [me, locale, setLocale, queryClient]);
}
