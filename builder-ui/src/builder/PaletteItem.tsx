import { useDraggable } from '@dnd-kit/core';
import type { PointerEventHandler } from 'react';
import { useI18n } from '../i18n/context';
import { typeIcons, type FieldType } from './fieldTypes';

/**
 * A field type to drag onto the canvas. Only the pointer drags it: Enter or Space (and a tap)
 * add the field to the current section instead, the keyboard alternative to dragging.
 */
export function PaletteItem({ type, onAdd }: { type: FieldType; onAdd: (type: FieldType) => void }) {
  const { t } = useI18n();
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: `type:${type}`,
    data: { kind: 'palette', type },
  });
  return (
    <button
      ref={setNodeRef}
      type="button"
      className={isDragging ? 'crm-palette-item crm-dragging' : 'crm-palette-item'}
      data-testid={`palette-${type}`}
      aria-roledescription={attributes['aria-roledescription']}
      aria-describedby={attributes['aria-describedby']}
      title={t('builder.palette.hint')}
      onPointerDown={listeners?.onPointerDown as PointerEventHandler<HTMLButtonElement> | undefined}
      onClick={() => onAdd(type)}
    >
      <span className="crm-palette-icon">{typeIcons[type]}</span>
      <span className="crm-palette-label">{t(`type.${type}`)}</span>
    </button>
  );
}
