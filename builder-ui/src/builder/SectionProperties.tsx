import { Form, Segmented, Typography } from 'antd';
import { useI18n } from '../i18n/context';
import { updateSection, type Draft } from './draft';
import { LabelInputs } from './LabelInputs';
import { problemsAt, type PlacedProblem } from './problems';
import { PropItem } from './PropItem';

export function SectionProperties({
  draft,
  sectionKey,
  problems,
  onChange,
}: {
  draft: Draft;
  sectionKey: string;
  problems?: PlacedProblem[];
  onChange: (d: Draft) => void;
}) {
  const { t } = useI18n();
  const s = draft.sections.find((x) => x.key === sectionKey);
  if (!s) return null;
  return (
    <Form layout="vertical" className="crm-props" data-testid="section-properties" component="div">
      <Typography.Text strong className="crm-panel-title">
        {t('builder.section.properties')}
      </Typography.Text>
      <LabelInputs
        what="label"
        value={s.label}
        onChange={(label) => onChange(updateSection(draft, sectionKey, { label }))}
        problems={problems}
      />
      <PropItem label={t('builder.section.columns')} problems={problemsAt(problems, 'columns')}>
        <Segmented
          value={s.columns}
          onChange={(v) => onChange(updateSection(draft, sectionKey, { columns: Number(v) }))}
          options={[1, 2, 3].map((n) => ({ value: n, label: t('builder.section.columnsN', { n }) }))}
        />
      </PropItem>
    </Form>
  );
}
