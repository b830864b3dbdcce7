import { Flex, Typography } from 'antd';
import { useI18n } from '../i18n/context';

export function Brand({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  return (
    <Flex align="center" gap={10} style={{ minWidth: 0 }}>
      <img src="/favicon.svg" alt="" width={28} height={28} />
      {!compact && (
        <Typography.Text strong className="crm-ellipsis" style={{ fontSize: 16 }}>
          {t('app.title')}
        </Typography.Text>
      )}
    </Flex>
  );
}
