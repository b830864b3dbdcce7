import { FieldTimeOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Spin, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useSLAPolicies, type SLAPolicy } from '../api/sla';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { SLAPolicyCard } from './SLAPolicyCard';

/** The object's SLA policies: the first by order whose condition holds measures a record. */
export function SLAEditor({ object }: { object: string }) {
  const { t } = useI18n();
  const list = useSLAPolicies(object);
  const [drafts, setDrafts] = useState<{ key: string; p: SLAPolicy }[]>([]);
  const seq = useRef(0);
  if (list.isPending) return <Spin />;
  if (list.isError) return <Alert type="error" showIcon message={errorText(list.error, t)} />;
  return (
    <div className="crm-rules" data-testid="sla-editor">
      <Typography.Paragraph type="secondary">{t('sla.intro')}</Typography.Paragraph>
      {list.data.length === 0 && drafts.length === 0 && (
        <Empty image={<FieldTimeOutlined className="crm-empty-icon" />} description={t('sla.empty')} />
      )}
      {list.data.map((p) => (
        <SLAPolicyCard key={`${p.name}@${p.version}`} initial={p} />
      ))}
      {drafts.map((d) => (
        <SLAPolicyCard
          key={d.key}
          initial={d.p}
          onDone={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
        />
      ))}
      <Button
        type="dashed"
        block
        icon={<PlusOutlined />}
        onClick={() => {
          const n = list.data.length + drafts.length + 1;
          setDrafts([
            ...drafts,
            {
              key: `p${seq.current++}`,
              p: {
                name: `${object}_sla_${n}`.slice(0, 63),
                object,
                order: n,
                metrics: [{ name: 'resolution', target: '8h', stop_when: '' }],
              },
            },
          ]);
        }}
      >
        {t('sla.add')}
      </Button>
    </div>
  );
}
