import { PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Typography } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import type { MessageKey } from '../i18n/messages';
import { newKey, type Draft } from './draft';
import { allows } from './fieldTypes';
import { IndexCard, type IndexFieldOption } from './IndexCard';
import { indexableSystem, maxIndexes } from './indexes';
import type { Placed } from './problems';

/**
 * The object's composite indexes: each a card with its fields in order. They are saved with the
 * definition; the server checks them (2 to 4 indexable fields, no two serving the same orders).
 */
export function IndexesEditor({
  draft,
  problems,
  suggested,
  onChange,
}: {
  draft: Draft;
  problems: Placed;
  /** The key of an index added from a list's hint, marked until saved. */
  suggested?: string;
  onChange: (d: Draft) => void;
}) {
  const { t, locale } = useI18n();
  const choices = useMemo<IndexFieldOption[]>(
    () => [
      ...draft.sections
        .flatMap((s) => s.fields)
        .map((k) => draft.fields[k]!)
        .filter((f) => f.name && allows(f.type, 'indexed'))
        .map((f) => ({ value: f.name, label: pickLabel(f.label, locale, f.name), system: false })),
      ...indexableSystem.map((name) => ({
        value: name,
        label: t(`builder.indexes.sys.${name}` as MessageKey),
        system: true,
      })),
    ],
    [draft.sections, draft.fields, locale, t],
  );
  const full = draft.indexes.length >= maxIndexes;
  return (
    <div className="crm-rules" data-testid="indexes-editor" id="indexes">
      <Typography.Paragraph type="secondary">{t('builder.indexes.intro', { max: maxIndexes })}</Typography.Paragraph>
      {problems.indexList.length > 0 && (
        <Alert type="error" showIcon message={problems.indexList.map((p) => p.message).join('; ')} />
      )}
      {draft.indexes.length === 0 && (
        <Empty image={<ThunderboltOutlined className="crm-empty-icon" />} description={t('builder.indexes.empty')} />
      )}
      {draft.indexes.map((ix, i) => (
        <div key={ix.key}>
          {ix.key === suggested && (
            <Alert type="info" showIcon className="crm-gap" message={t('builder.indexes.suggested')} />
          )}
          <IndexCard
            index={i}
            value={ix.index}
            choices={choices}
            problems={problems.indexes[ix.key]}
            onChange={(index) =>
              onChange({ ...draft, indexes: draft.indexes.map((x) => (x.key === ix.key ? { key: x.key, index } : x)) })
            }
            onRemove={() => onChange({ ...draft, indexes: draft.indexes.filter((x) => x.key !== ix.key) })}
          />
        </div>
      ))}
      <Button
        type="dashed"
        icon={<PlusOutlined />}
        block
        disabled={full}
        onClick={() => onChange({ ...draft, indexes: [...draft.indexes, { key: newKey('i'), index: { fields: [] } }] })}
      >
        {t('builder.indexes.add')}
      </Button>
      {full && <Typography.Text type="secondary">{t('builder.indexes.full', { max: maxIndexes })}</Typography.Text>}
    </div>
  );
}
