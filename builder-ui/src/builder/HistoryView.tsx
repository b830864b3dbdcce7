import { HistoryOutlined, RollbackOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, List, Popconfirm, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useObjectHistory, type Definition, type HistoryEntry } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { DiffList } from './DiffList';

interface Props {
  name: string;
  version: number;
  onRestore: (def: Definition) => Promise<void>;
}

/** Every saved version, newest first; one chosen shows what changed from the one before it. */
export function HistoryView({ name, version, onRestore }: Props) {
  const { t } = useI18n();
  const history = useObjectHistory(name);
  const [chosen, setChosen] = useState<number | null>(null);
  const [restoring, setRestoring] = useState(false);
  if (history.isPending) return <Spin />;
  if (history.isError) return <Alert type="error" showIcon message={errorText(history.error, t)} />;
  const items = history.data.filter((h) => h.definition);
  if (items.length === 0)
    return <Empty image={<HistoryOutlined className="crm-empty-icon" />} description={t('builder.history.empty')} />;
  const current = items.find((h) => h.version === (chosen ?? items[0]!.version)) ?? items[0]!;

  return (
    <div className="crm-history" data-testid="history">
      <List<HistoryEntry>
        className="crm-history-list"
        size="small"
        bordered
        dataSource={items}
        renderItem={(h) => (
          <List.Item
            className={h.version === current.version ? 'crm-history-item crm-history-item-active' : 'crm-history-item'}
            onClick={() => setChosen(h.version)}
            data-testid={`history-v${h.version}`}
          >
            <div>
              <Typography.Text strong>{t('builder.history.version', { version: h.version })}</Typography.Text>{' '}
              <Tag color={h.action === 'created' ? 'green' : 'blue'}>{t(`builder.history.${h.action}`)}</Tag>
              {h.version === version && <Tag>{t('builder.history.current')}</Tag>}
              <br />
              <Typography.Text type="secondary">{dayjs(h.at).format('lll')}</Typography.Text>
            </div>
          </List.Item>
        )}
      />
      <div className="crm-history-diff">
        <div className="crm-history-diff-head">
          <Typography.Title level={5} style={{ margin: 0 }}>
            {current.previous
              ? t('builder.history.diffTitle', { from: current.version - 1, to: current.version })
              : t('builder.history.firstVersion')}
          </Typography.Title>
          {current.version !== version && (
            <Popconfirm
              title={t('builder.history.restoreConfirm', { version: current.version })}
              okText={t('builder.history.restore')}
              // antd's Popconfirm awaits a returned promise (a loading OK button, closed when settled); its type says void.
              // eslint-disable-next-line @typescript-eslint/no-misused-promises
              onConfirm={async () => {
                setRestoring(true);
                try {
                  await onRestore(current.definition!);
                } finally {
                  setRestoring(false);
                }
              }}
            >
              <Button icon={<RollbackOutlined />} loading={restoring}>
                {t('builder.history.restore')}
              </Button>
            </Popconfirm>
          )}
        </div>
        <DiffList before={current.previous} after={current.definition} />
      </div>
    </div>
  );
}
