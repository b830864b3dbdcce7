import { PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Spin, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useAutomations, type Automation } from '../api/automations';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { AutomationCard } from './AutomationCard';

/** The object's automations, each edited and saved on its own; new ones are drafts until saved. */
export function AutomationsEditor({ object }: { object: string }) {
  const { t } = useI18n();
  const list = useAutomations(object);
  const [drafts, setDrafts] = useState<{ key: string; a: Automation }[]>([]);
  const seq = useRef(0);
  if (list.isPending) return <Spin />;
  if (list.isError) return <Alert type="error" showIcon message={errorText(list.error, t)} />;
  const saved = list.data;
  return (
    <div className="crm-rules" data-testid="automations-editor">
      <Typography.Paragraph type="secondary">{t('auto.intro')}</Typography.Paragraph>
      {saved.length === 0 && drafts.length === 0 && (
        <Empty image={<ThunderboltOutlined className="crm-empty-icon" />} description={t('auto.empty')} />
      )}
      {saved.map((a) => (
        <AutomationCard key={`${a.name}@${a.version}`} initial={a} />
      ))}
      {drafts.map((d) => (
        <AutomationCard
          key={d.key}
          initial={d.a}
          onSaved={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
          onDiscard={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
        />
      ))}
      <Button
        type="dashed"
        block
        icon={<PlusOutlined />}
        onClick={() => {
          const n = saved.length + drafts.length + 1;
          setDrafts([
            ...drafts,
            {
              key: `d${seq.current++}`,
              a: { name: `${object}_automation_${n}`.slice(0, 63), object, trigger: { type: 'created' }, actions: [] },
            },
          ]);
        }}
      >
        {t('auto.add')}
      </Button>
    </div>
  );
}
