import { Flex, Input } from 'antd';
import type { Label } from '../api/objects';
import { useI18n } from '../i18n/context';

/** A label in English and in Chinese, side by side. */
export function LabelInputs({ value, onChange }: { value?: Label; onChange: (l: Label) => void }) {
  const { t } = useI18n();
  return (
    <Flex gap={8} wrap>
      <Input
        addonBefore="EN"
        aria-label={t('flows.labelEn')}
        value={value?.en ?? ''}
        onChange={(e) => onChange({ ...value, en: e.target.value })}
        style={{ flex: '1 1 140px' }}
      />
      <Input
        addonBefore="中文"
        aria-label={t('flows.labelZh')}
        value={value?.['zh-CN'] ?? ''}
        onChange={(e) => onChange({ ...value, 'zh-CN': e.target.value })}
        style={{ flex: '1 1 140px' }}
      />
    </Flex>
  );
}
