import { Segmented } from 'antd';
import { useI18n } from '../i18n/context';
import type { Locale } from '../i18n/locale';

// Each language is named in itself, so it can be found whatever the current one is.
const options: { value: Locale; label: string }[] = [
  { value: 'en', label: 'EN' },
  { value: 'zh-CN', label: '中文' },
];

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Segmented<Locale>
      aria-label={t('header.language')}
      size="small"
      options={options}
      value={locale}
      onChange={setLocale}
    />
  );
}
