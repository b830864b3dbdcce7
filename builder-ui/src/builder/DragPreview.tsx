import { HolderOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import type { Draft } from './draft';
import { typeIcons, type FieldType } from './fieldTypes';
import type { DragItem } from './useCanvasDnd';

/** What follows the pointer while dragging. */
export function DragPreview({ item, draft }: { item: DragItem; draft: Draft }) {
  const { t, locale } = useI18n();
  if (item.kind === 'section') {
    const s = draft.sections.find((x) => x.key === item.key);
    return (
      <div className="crm-drag-preview">
        <HolderOutlined /> {pickLabel(s?.label, locale, t('builder.section.title'))}
      </div>
    );
  }
  const type = (item.kind === 'palette' ? item.type : draft.fields[item.key]?.type) as FieldType;
  const label = item.kind === 'palette' ? t(`type.${type}`) : pickLabel(draft.fields[item.key]?.label, locale, '');
  return (
    <div className="crm-drag-preview">
      {typeIcons[type]} {label}
    </div>
  );
}
