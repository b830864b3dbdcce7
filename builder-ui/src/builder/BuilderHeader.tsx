import { ArrowLeftOutlined, SaveOutlined, TableOutlined } from '@ant-design/icons';
import { Button, Flex, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import type { Draft } from './draft';

interface Props {
  draft: Draft;
  isNew: boolean;
  version?: number;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
}

export function BuilderHeader({ draft, isNew, version, dirty, saving, onSave }: Props) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const title = pickLabel(draft.label, locale, draft.name) || t('builder.newObject');
  return (
    <Flex justify="space-between" align="center" gap={12} wrap className="crm-builder-header">
      <Flex align="center" gap={8} style={{ minWidth: 0 }}>
        <Button
          type="text"
          icon={<ArrowLeftOutlined />}
          aria-label={t('builder.back')}
          onClick={() => void navigate('/objects')}
        />
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={3} style={{ margin: 0 }} ellipsis>
            {title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {isNew ? t('builder.newHint') : t('builder.versionOf', { name: draft.name, version: version ?? 0 })}
          </Typography.Text>
        </div>
      </Flex>
      <Flex align="center" gap={8}>
        {dirty && <Tag color="orange">{t('builder.unsaved')}</Tag>}
        {!isNew && (
          <Button icon={<TableOutlined />} onClick={() => void navigate(`/app/${draft.name}`)}>
            {t('builder.records')}
          </Button>
        )}
        <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={onSave} disabled={!dirty && !isNew}>
          {t('builder.save.button')}
        </Button>
      </Flex>
    </Flex>
  );
}
