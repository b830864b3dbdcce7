import { Form, Input, Typography } from 'antd';
import { useI18n } from '../i18n/context';
import { nameFromLabel, type Draft } from './draft';
import { LabelInputs } from './LabelInputs';
import type { PlacedProblem } from './problems';
import { problemsAt } from './problems';
import { PropItem } from './PropItem';

/** The object itself: its API name (fixed once saved) and its label in each language. */
export function ObjectProperties({
  draft,
  isNew,
  problems,
  onChange,
}: {
  draft: Draft;
  isNew: boolean;
  problems: PlacedProblem[];
  onChange: (d: Draft) => void;
}) {
  const { t } = useI18n();
  return (
    <Form layout="vertical" className="crm-props" data-testid="object-properties" component="div">
      <Typography.Text strong className="crm-panel-title">
        {t('builder.object.properties')}
      </Typography.Text>
      <PropItem
        label={t('builder.object.name')}
        problems={problemsAt(problems, 'name')}
        htmlFor="object-name"
        extra={isNew ? t('listwork.objects.nameHint') : t('builder.prop.nameFixed')}
      >
        <Input
          id="object-name"
          value={draft.name}
          disabled={!isNew}
          onChange={(e) => onChange({ ...draft, name: e.target.value })}
        />
      </PropItem>
      <LabelInputs
        what="label"
        value={draft.label}
        onChange={(label) => {
          // A new object's API name follows its English label until the analyst names it.
          const follows = isNew && draft.name === nameFromLabel(draft.label?.en ?? '');
          onChange({ ...draft, label, name: follows ? nameFromLabel(label?.en ?? '') : draft.name });
        }}
        problems={problems}
      />
      <Typography.Text type="secondary">{t('builder.object.selectHint')}</Typography.Text>
    </Form>
  );
}
