import { EyeInvisibleOutlined, FunctionOutlined, HolderOutlined, WarningFilled } from '@ant-design/icons';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Tooltip, Typography } from 'antd';
import type { FieldDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { typeIcons, type FieldType } from './fieldTypes';
import type { PlacedProblem } from './problems';

interface Props {
  fieldKey: string;
  field: FieldDef;
  selected: boolean;
  problems?: PlacedProblem[];
  onSelect: () => void;
}

/** A field on the canvas: drag it (pointer, or Space and the arrows) and click it to edit. */
export function CanvasField({ fieldKey, field, selected, problems, onSelect }: Props) {
  const { t, locale } = useI18n();
  const { setNodeRef, listeners, attributes, transform, transition, isDragging, isOver, active } = useSortable({
    id: `f:${fieldKey}`,
    data: { kind: 'field' },
  });
  const label = pickLabel(field.label, locale, field.name);
  const incoming = isOver && active && !String(active.id).startsWith('f:');
  const cls = [
    'crm-field',
    selected && 'crm-field-selected',
    isDragging && 'crm-dragging',
    incoming && 'crm-drop-before',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={cls}
      data-testid={`field-${field.name}`}
      data-key={fieldKey}
      {...attributes}
      {...listeners}
      aria-label={t('builder.field.aria', { label, type: t(`type.${field.type as FieldType}`) })}
      aria-pressed={selected}
      onClick={onSelect}
      onKeyUp={(e) => {
        if (e.key === 'Enter') onSelect();
      }}
    >
      <HolderOutlined className="crm-field-handle" />
      <span className="crm-field-icon">{typeIcons[field.type as FieldType]}</span>
      <span className="crm-field-text">
        <Typography.Text strong className="crm-field-label crm-ellipsis">
          {label}
          {field.required ? <span className="crm-required"> *</span> : null}
        </Typography.Text>
        <Typography.Text type="secondary" className="crm-field-name crm-ellipsis">
          {field.name}
        </Typography.Text>
      </span>
      <span className="crm-field-marks">
        {typeof field.expression === 'string' && field.expression && (
          <Tooltip title={t('builder.field.formula')}>
            <FunctionOutlined />
          </Tooltip>
        )}
        {typeof field.visible_when === 'string' && field.visible_when && (
          <Tooltip title={t('builder.field.conditional')}>
            <EyeInvisibleOutlined />
          </Tooltip>
        )}
        {problems?.length ? (
          <Tooltip title={problems.map((p) => p.message).join('\n')}>
            <WarningFilled
              className="crm-field-problem"
              aria-label={t('builder.problems.count', { count: problems.length })}
            />
          </Tooltip>
        ) : null}
      </span>
    </div>
  );
}
