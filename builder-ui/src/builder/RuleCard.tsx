import { DeleteOutlined, WarningFilled } from '@ant-design/icons';
import { Button, Card, Form, Input, Select } from 'antd';
import type { ValidationRule } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import type { Draft } from './draft';
import { ExpressionEditor } from './ExpressionEditor';
import { LabelInputs } from './LabelInputs';
import { problemsAt, type PlacedProblem } from './problems';
import { PropItem } from './PropItem';

interface Props {
  index: number;
  rule: ValidationRule;
  draft: Draft;
  problems?: PlacedProblem[];
  onChange: (r: ValidationRule) => void;
  onRemove: () => void;
}

export function RuleCard({ index, rule, draft, problems, onChange, onRemove }: Props) {
  const { t, locale } = useI18n();
  const id = (k: string) => `rule-${index}-${k}`;
  const fields = draft.sections.flatMap((s) => s.fields).map((k) => draft.fields[k]!);
  return (
    <Card
      size="small"
      className="crm-rule"
      data-testid={`rule-${index}`}
      title={
        <span>
          {problems?.length ? <WarningFilled className="crm-field-problem" /> : null}{' '}
          {rule.name || t('builder.rules.unnamed')}
        </span>
      }
      extra={
        <Button
          type="text"
          size="small"
          icon={<DeleteOutlined />}
          aria-label={t('builder.rules.remove', { name: rule.name })}
          onClick={onRemove}
        />
      }
    >
      <Form layout="vertical" component="div">
        <div className="crm-props-row">
          <PropItem label={t('builder.rules.name')} problems={problemsAt(problems, 'name')} htmlFor={id('name')}>
            <Input id={id('name')} value={rule.name} onChange={(e) => onChange({ ...rule, name: e.target.value })} />
          </PropItem>
          <PropItem label={t('builder.rules.field')} problems={problemsAt(problems, 'field')} htmlFor={id('field')}>
            <Select
              id={id('field')}
              allowClear
              placeholder={t('builder.rules.wholeRecord')}
              value={rule.field || undefined}
              onChange={(v?: string) => onChange({ ...rule, field: v })}
              options={fields.map((f) => ({ value: f.name, label: pickLabel(f.label, locale, f.name) }))}
            />
          </PropItem>
        </div>
        <PropItem label={t('builder.rules.errorWhen')} htmlFor={id('error_when')}>
          <ExpressionEditor
            id={id('error_when')}
            testId={`rule-${index}-expr`}
            value={rule.error_when}
            onChange={(error_when) => onChange({ ...rule, error_when })}
            kind="condition"
            problems={problemsAt(problems, 'error_when')}
            placeholder={t('builder.expr.placeholder.condition')}
          />
        </PropItem>
        <LabelInputs
          what="message"
          value={rule.message}
          onChange={(message) => onChange({ ...rule, message })}
          problems={problems}
        />
      </Form>
    </Card>
  );
}
