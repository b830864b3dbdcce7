import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Select } from 'antd';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { ExpressionInput } from './ExpressionInput';

/** Field updates of an action or an end: field -> expression giving the new value. */
export function UpdatesEditor({
  value,
  onChange,
  object,
}: {
  value: Record<string, string>;
  onChange: (v: Record<string, string>) => void;
  object?: ObjectDef;
}) {
  const { t, locale } = useI18n();
  const rows = Object.entries(value);
  const settable = (object?.fields ?? []).filter((f) => f.type !== 'formula' && f.type !== 'autonumber');
  const typeOf = (name: string) => settable.find((f) => f.name === name)?.type;
  // Rebuilt from rows so that renaming a field keeps the row where it was.
  const write = (next: [string, string][]) => onChange(Object.fromEntries(next));

  return (
    <Flex vertical gap={12}>
      {rows.map(([field, expr], i) => (
        <div key={i} className="crm-update-row">
          <Flex gap={8}>
            <Select
              aria-label={t('flows.updateField', { n: i + 1 })}
              showSearch
              optionFilterProp="label"
              value={field || undefined}
              placeholder={t('flows.pickField')}
              style={{ flex: 1, minWidth: 0 }}
              options={settable.map((f) => ({
                value: f.name,
                label: pickLabel(f.label, locale, f.name),
                disabled: f.name !== field && f.name in value,
              }))}
              onChange={(f: string) => write(rows.map((r, j) => (j === i ? [f, r[1]] : r)))}
            />
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('flows.removeUpdate', { n: i + 1 })}
              onClick={() => write(rows.filter((_, j) => j !== i))}
            />
          </Flex>
          <ExpressionInput
            aria-label={t('flows.updateValue', { n: i + 1 })}
            value={expr}
            onChange={(v) => write(rows.map((r, j) => (j === i ? [r[0], v] : r)))}
            object={object?.name ?? ''}
            kind="value"
            type={typeOf(field)}
            placeholder={t('flows.updatePlaceholder')}
          />
        </div>
      ))}
      {/* undefined rather than false, so that a read-only editor (a phone) disables it too */}
      <Button icon={<PlusOutlined />} disabled={'' in value || undefined} onClick={() => write([...rows, ['', '']])}>
        {t('flows.addUpdate')}
      </Button>
    </Flex>
  );
}
