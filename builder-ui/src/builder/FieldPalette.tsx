import { Typography } from 'antd';
import { useI18n } from '../i18n/context';
import { fieldTypes, type FieldType } from './fieldTypes';
import { PaletteItem } from './PaletteItem';

export function FieldPalette({ onAdd }: { onAdd: (type: FieldType) => void }) {
  const { t } = useI18n();
  return (
    <section className="crm-palette" aria-label={t('builder.palette.title')}>
      <Typography.Text strong className="crm-panel-title">
        {t('builder.palette.title')}
      </Typography.Text>
      <Typography.Text type="secondary" className="crm-palette-hint">
        {t('builder.palette.hint')}
      </Typography.Text>
      <div className="crm-palette-grid">
        {fieldTypes.map((type) => (
          <PaletteItem key={type} type={type} onAdd={onAdd} />
        ))}
      </div>
    </section>
  );
}
