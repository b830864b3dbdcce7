import { DeleteOutlined } from '@ant-design/icons';
import { Button, Select, Typography } from 'antd';
import { useI18n } from '../i18n/context';
import type { FieldRef } from './builderContext';
import { ExpressionEditor } from './ExpressionEditor';
import type { PlacedProblem } from './problems';

interface Props {
  id: string;
  fields: FieldRef[];
  values: Record<string, string>;
  onChange: (v: Record<string, string>) => void;
  problems: PlacedProblem[];
}

/** Field -> expression rows: what an update or create action sets, each checked for its field's type. */
export function ValuesEditor({ id, fields, values, onChange, problems }: Props) {
  const { t } = useI18n();
  const set = Object.keys(values);
  const free = fields.filter((f) => !set.includes(f.name) && f.type !== 'formula' && f.type !== 'autonumber');
  return (
    <div className="crm-values">
      {set.map((name) => {
        const f = fields.find((x) => x.name === name);
        return (
          <div key={name} className="crm-value-row" data-testid={`value-${name}`}>
            <Typography.Text code className="crm-value-name">
              {f?.label ?? name}
            </Typography.Text>
            <div className="crm-value-expr">
              <ExpressionEditor
                id={`${id}-value-${name}`}
                testId={`${id}-value-${name}`}
                value={values[name] ?? ''}
                onChange={(v) => onChange({ ...values, [name]: v })}
                kind="value"
                type={f?.type}
                problems={problems.filter((p) => p.setting === `values/${name}`)}
              />
            </div>
            <Button
              type="text"
              size="small"
              icon={<DeleteOutlined />}
              aria-label={t('auto.removeValue', { field: f?.label ?? name })}
              onClick={() => {
                const next = { ...values };
                delete next[name];
                onChange(next);
              }}
            />
          </div>
        );
      })}
      <Select
        aria-label={t('auto.setField')}
        placeholder={t('auto.setField')}
        value={null}
        style={{ minWidth: 200 }}
        onChange={(name: string) => onChange({ ...values, [name]: '' })}
        options={free.map((f) => ({ value: f.name, label: f.label }))}
      />
    </div>
  );
}
