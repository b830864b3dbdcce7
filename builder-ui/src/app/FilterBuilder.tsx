import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Divider, Flex, Select, Typography } from 'antd';
import type { FormField } from '../api/forms';
import { FilterValue } from '../fields/registry';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';
import { noValueOps, operatorsFor, type Condition, type Groups } from './filterLanguage';

/**
 * Groups of rows of field, operator and value: the rows of a group must all hold ("and"), and a
 * record matches when any group does ("or"), as the filter language writes it
 * (groupsToFilter). A group left without rows goes away.
 */
export function FilterBuilder({
  fields,
  value,
  onChange,
}: {
  fields: FormField[];
  value: Groups;
  onChange: (g: Groups) => void;
}) {
  const { t } = useI18n();
  const byName = new Map(fields.map((f) => [f.name, f]));
  const newRow = (): Condition | null => {
    const first = fields[0];
    return first ? { field: first.name, op: operatorsFor(first.type)[0]! } : null;
  };
  const setGroup = (gi: number, rows: Condition[]) =>
    onChange(value.map((g, j) => (j === gi ? rows : g)).filter((g) => g.length > 0));

  const row = (c: Condition, gi: number, i: number) => {
    const rows = value[gi]!;
    const set = (next: Condition) =>
      setGroup(
        gi,
        rows.map((x, j) => (j === i ? next : x)),
      );
    const f = byName.get(c.field);
    return (
      <Flex key={i} gap={8} wrap align="center" data-testid="filter-row">
        <Select
          aria-label={t('app.filter.field')}
          style={{ flex: '1 1 140px', minWidth: 0 }}
          value={c.field}
          showSearch
          optionFilterProp="label"
          onChange={(field: string) => set({ field, op: operatorsFor(byName.get(field)?.type ?? 'text')[0]! })}
          options={fields.map((x) => ({ value: x.name, label: x.label }))}
        />
        <Select
          aria-label={t('app.filter.operator')}
          style={{ flex: '1 1 110px', minWidth: 0 }}
          value={c.op}
          onChange={(op: string) => set({ ...c, op, value: op === 'in' ? [] : undefined })}
          options={operatorsFor(f?.type ?? 'text').map((op) => ({
            value: op,
            label: t(`app.op.${op.replace(/ /g, '_')}` as MessageKey),
          }))}
        />
        {f && !noValueOps.includes(c.op) && (
          <FilterValue field={f} condition={c} aria={t('app.filter.value')} onChange={set} />
        )}
        <Button
          type="text"
          icon={<DeleteOutlined />}
          aria-label={t('app.filter.remove')}
          onClick={() =>
            setGroup(
              gi,
              rows.filter((_, j) => j !== i),
            )
          }
        />
      </Flex>
    );
  };

  return (
    <Flex vertical gap={8} style={{ width: 'min(600px, calc(100vw - 64px))' }}>
      {value.length === 0 && <Typography.Text type="secondary">{t('app.filter.none')}</Typography.Text>}
      {value.map((rows, gi) => (
        <div key={gi}>
          {gi > 0 && (
            <Divider plain style={{ margin: '4px 0 8px' }}>
              <Typography.Text strong type="secondary">
                {t('listwork.filter.or')}
              </Typography.Text>
            </Divider>
          )}
          <Flex
            vertical
            gap={8}
            data-testid="filter-group"
            aria-label={t('listwork.filter.group', { n: gi + 1 })}
            role="group"
            style={value.length > 1 ? { border: '1px solid #f0f0f0', borderRadius: 8, padding: 8 } : undefined}
          >
            {rows.map((c, i) => (
              <div key={i}>
                {i > 0 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('listwork.filter.and')}
                  </Typography.Text>
                )}
                {row(c, gi, i)}
              </div>
            ))}
            <div>
              <Button
                size="small"
                type="link"
                icon={<PlusOutlined />}
                onClick={() => {
                  const r = newRow();
                  if (r) setGroup(gi, [...rows, r]);
                }}
              >
                {t('app.filter.add')}
              </Button>
            </div>
          </Flex>
        </div>
      ))}
      <Flex gap={8} wrap>
        {value.length === 0 && (
          <Button
            icon={<PlusOutlined />}
            onClick={() => {
              const r = newRow();
              if (r) onChange([[r]]);
            }}
          >
            {t('app.filter.add')}
          </Button>
        )}
        {value.length > 0 && (
          <Button
            icon={<PlusOutlined />}
            onClick={() => {
              const r = newRow();
              if (r) onChange([...value, [r]]);
            }}
          >
            {t('listwork.filter.addGroup')}
          </Button>
        )}
      </Flex>
    </Flex>
  );
}
