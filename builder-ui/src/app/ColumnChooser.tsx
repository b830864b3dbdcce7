import { SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Popover, Typography } from 'antd';
import { useI18n } from '../i18n/context';

/** Which columns the list shows: a checkbox per field, kept per object in this browser. */
export function ColumnChooser({
  options,
  value,
  onChange,
}: {
  options: { value: string; label: string }[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  const { t } = useI18n();
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('app.list.columns')}
      content={
        <Flex vertical gap={4} style={{ maxHeight: 360, overflow: 'auto', minWidth: 200 }}>
          {options.map((o) => (
            <Checkbox
              key={o.value}
              checked={value.includes(o.value)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? options.map((x) => x.value).filter((v) => v === o.value || value.includes(v))
                    : value.filter((v) => v !== o.value),
                )
              }
            >
              {o.label}
            </Checkbox>
          ))}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('app.list.columnsHint')}
          </Typography.Text>
        </Flex>
      }
    >
      <Button icon={<SettingOutlined />}>{t('app.list.columns')}</Button>
    </Popover>
  );
}
