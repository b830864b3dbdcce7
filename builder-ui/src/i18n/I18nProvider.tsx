import { useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
// The ES modules: antd/locale/* are CommonJS shims, and the bundle took their module object for
// the locale, so Ant Design's own texts (the date picker's, weeks from Monday) stayed English.
import enUS from 'antd/es/locale/en_US';
import antdZhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import { IntlMessageFormat } from 'intl-messageformat';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setRequestLocale } from '../api/client';
import { useReducedMotion } from '../shell/useReducedMotion';
import { appTheme } from '../theme';
import { I18nContext, type I18n } from './context';
import { catalogues, initialLocale, storeLocale, type Locale } from './locale';

dayjs.extend(localizedFormat);

const antdLocales = { en: enUS, 'zh-CN': antdZhCN };
const dayjsLocales = { en: 'en', 'zh-CN': 'zh-cn' };

// Everything that formats or requests in a locale follows it before the next render.
function apply(locale: Locale) {
  setRequestLocale(locale);
  dayjs.locale(dayjsLocales[locale]);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const reducedMotion = useReducedMotion();
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = initialLocale();
    apply(l);
    return l;
  });

  const setLocale = useCallback(
    (l: Locale, remember = true) => {
      apply(l);
      if (remember) storeLocale(l);
      setLocaleState(l);
      // Server texts (validation messages, form labels) come in the request's locale.
      void queryClient.invalidateQueries();
    },
    [queryClient],
  );

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(() => {
    const messages = catalogues[locale];
    // Messages are ICU MessageFormat ("{count, plural, one {# field} other {# fields}}"), each
    // parsed once per language.
    const formats = new Map<string, IntlMessageFormat>();
    return {
      locale,
      setLocale,
      t: (key, vars) => {
        if (!vars) return messages[key];
        let f = formats.get(key);
        if (!f) formats.set(key, (f = new IntlMessageFormat(messages[key], locale, undefined, { ignoreTag: true })));
        return String(f.format(vars));
      },
    };
  }, [locale, setLocale]);

  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider locale={antdLocales[locale]} theme={appTheme(reducedMotion)}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}
