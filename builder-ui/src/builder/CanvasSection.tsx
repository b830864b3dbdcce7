import { DeleteOutlined, HolderOutlined, WarningFilled } from '@ant-design/icons';
import { useDroppable } from '@dnd-kit/core';
import { rectSortingStrategy, SortableContext, useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Popconfirm, Segmented, Tooltip, Typography } from 'antd';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { CanvasField } from './CanvasField';
import type { Draft, DraftSection } from './draft';
import type { Placed } from './problems';
import type { Selection } from './selection';

interface Props {
  draft: Draft;
  section: DraftSection;
  index: number;
  narrow: boolean;
  selection: Selection;
  problems: Placed;
  onSelect: (s: Selection) => void;
  onColumns: (n: number) => void;
  onRemove?: () => void;
}

/** A titled section: its header drags it among sections; its body takes fields in 1-3 columns. */
export function CanvasSection({
  draft,
  section,
  index,
  narrow,
  selection,
  problems,
  onSelect,
  onColumns,
  onRemove,
}: Props) {
  const { t, locale } = useI18n();
  const sortable = useSortable({ id: `sec:${section.key}`, data: { kind: 'section' } });
  const zone = useDroppable({ id: `zone:${section.key}` });
  const title = pickLabel(section.label, locale, t('builder.section.untitled', { n: index + 1 }));
  const selected = selection?.kind === 'section' && selection.key === section.key;
  const columns = narrow ? 1 : section.columns;
  const sectionProblems = problems.sections[section.key];
  return (
    <div
      ref={sortable.setNodeRef}
      style={{ transform: CSS.Translate.toString(sortable.transform), transition: sortable.transition }}
      className={['crm-section', selected && 'crm-section-selected', sortable.isDragging && 'crm-dragging']
        .filter(Boolean)
        .join(' ')}
      data-testid={`section-${index}`}
      data-key={section.key}
    >
      <div className="crm-section-head">
        <span
          ref={sortable.setActivatorNodeRef}
          className="crm-section-handle"
          {...sortable.attributes}
          {...sortable.listeners}
          aria-label={t('builder.section.drag', { title })}
        >
          <HolderOutlined />
        </span>
        <Typography.Link
          strong
          className="crm-section-title crm-ellipsis"
          onClick={() => onSelect({ kind: 'section', key: section.key })}
          data-testid="section-title"
        >
          {title}
        </Typography.Link>
        {sectionProblems?.length ? (
          <Tooltip title={sectionProblems.map((p) => p.message).join('\n')}>
            <WarningFilled className="crm-field-problem" />
          </Tooltip>
        ) : null}
        <span className="crm-section-tools">
          {!narrow && (
            <Segmented
              size="small"
              aria-label={t('builder.section.columns')}
              value={section.columns}
              onChange={(v) => onColumns(Number(v))}
              options={[1, 2, 3].map((n) => ({
                value: n,
                label: String(n),
                title: t('builder.section.columnsN', { n }),
              }))}
            />
          )}
          {onRemove && (
            <Popconfirm title={t('builder.section.removeConfirm')} onConfirm={onRemove} okText={t('common.remove')}>
              <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('builder.section.remove')} />
            </Popconfirm>
          )}
        </span>
      </div>
      <SortableContext items={section.fields.map((k) => `f:${k}`)} strategy={rectSortingStrategy}>
        <div
          ref={zone.setNodeRef}
          className={zone.isOver ? 'crm-section-body crm-zone-over' : 'crm-section-body'}
          style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
          data-testid="section-body"
        >
          {section.fields.map((k) => (
            <CanvasField
              key={k}
              fieldKey={k}
              field={draft.fields[k]!}
              selected={selection?.kind === 'field' && selection.key === k}
              problems={problems.fields[k]}
              onSelect={() => onSelect({ kind: 'field', key: k })}
            />
          ))}
          {section.fields.length === 0 && <div className="crm-section-empty">{t('builder.section.empty')}</div>}
        </div>
      </SortableContext>
    </div>
  );
}
