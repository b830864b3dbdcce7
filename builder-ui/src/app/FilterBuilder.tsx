import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Select, Typography } from 'antd';
import type { FormField } from '../api/forms';
import { FilterValue } from '../fields/registry';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';
import { noValueOps, operatorsFor, type Condition } from './filterLanguage';

/** Rows of field, operator and value; the list applies them as one filter joined by "and". */
export function FilterBuilder({
  fields,
  value,
  onChange,
}: {
  fields: FormField[];
  value: Condition[];
  onChange: (c: Condition[]) => void;
}) {
  const { t } = useI18n();
  const byName = new Map(fields.map((f) => [f.name, f]));
  const set = (i: number, c: Condition) => onChange(value.map((x, j) => (j === i ? c : x)));

  const valueInput = (c: Condition, i: number) => {
    const f = byName.get(c.field);
    if (!f || noValueOps.includes(c.op)) return null;
    return <FilterValue field={f} condition={c} aria={t('app.filter.value')} onChange={(next) => set(i, next)} />;
  };

  return (
    <Flex vertical gap={8} style={{ width: 'min(560px, calc(100vw - 64px))' }}>
      {value.length === 0 && <Typography.Text type="secondary">{t('app.filter.none')}</Typography.Text>}
      {value.map((c, i) => {
        const f = byName.get(c.field);
        return (
          <Flex key={i} gap={8} wrap align="center">
            <Select
              aria-label={t('app.filter.field')}
              style={{ flex: '1 1 140px', minWidth: 0 }}
              value={c.field}
              showSearch
              optionFilterProp="label"
              onChange={(field: string) => set(i, { field, op: operatorsFor(byName.get(field)?.type ?? 'text')[0]! })}
              options={fields.map((x) => ({ value: x.name, label: x.label }))}
            />
            <Select
              aria-label={t('app.filter.operator')}
              style={{ flex: '1 1 110px', minWidth: 0 }}
              value={c.op}
              onChange={(op: string) => set(i, { ...c, op, value: op === 'in' ? [] : undefined })}
              options={operatorsFor(f?.type ?? 'text').map((op) => ({
                value: op,
                label: t(`app.op.${op.replace(/ /g, '_')}` as MessageKey),
              }))}
            />
            {valueInput(c, i)}
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('app.filter.remove')}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            />
          </Flex>
        );
      })}
      <div>
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            const first = fields[0];
            if (first) onChange([...value, { field: first.name, op: operatorsFor(first.type)[0]! }]);
          }}
        >
          {t('app.filter.add')}
        </Button>
      </div>
    </Flex>
  );
}
