import { Empty, Tag, Typography } from 'antd';
import type { Definition } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { diffDefinitions, show } from './diff';

export function DiffList({ before, after }: { before?: Definition; after?: Definition }) {
  const { t } = useI18n();
  if (!before) {
    return (
      <ul className="crm-diff">
        {(after?.fields ?? []).map((f) => (
          <li key={f.name}>
            <Tag color="green">{t('builder.diff.added')}</Tag>
            {t('builder.diff.field')} <Typography.Text code>{f.name}</Typography.Text> ({f.type})
          </li>
        ))}
      </ul>
    );
  }
  const changes = diffDefinitions(before, after);
  if (changes.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('builder.diff.none')} />;
  const color = { added: 'green', removed: 'red', changed: 'blue' } as const;
  return (
    <ul className="crm-diff" data-testid="diff">
      {changes.map((c, i) => (
        <li key={i}>
          <Tag color={color[c.op]}>{t(`builder.diff.${c.op}`)}</Tag>
          {t(`builder.diff.${c.where[0] as 'field'}`)} <Typography.Text code>{c.where[1]}</Typography.Text>
          {c.where[2] && (
            <>
              {' › '}
              <Typography.Text strong>{c.where[2]}</Typography.Text>
            </>
          )}
          {c.op === 'changed' && (
            <div className="crm-diff-values">
              <del>{c.before || t('builder.diff.empty')}</del> → <ins>{c.after || t('builder.diff.empty')}</ins>
            </div>
          )}
          {c.op === 'added' && c.where[0] === 'field' && <div className="crm-diff-values">{show(c.after)}</div>}
        </li>
      ))}
    </ul>
  );
}
