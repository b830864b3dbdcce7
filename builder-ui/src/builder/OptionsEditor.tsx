import { PlusOutlined } from '@ant-design/icons';
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors } from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { Button, Typography } from 'antd';
import { useRef } from 'react';
import type { Option } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { OptionRow } from './OptionRow';
import type { PlacedProblem } from './problems';

interface Props {
  value: Option[];
  /** Values may be marked closed: picklists, not multipicklists. */
  closable: boolean;
  onChange: (v: Option[]) => void;
  problems: PlacedProblem[];
}

/**
 * The values of a picklist: add, label in each language, colour, closed, drag (or Space + arrows)
 * to order.
 */
export function OptionsEditor({ value, closable, onChange, problems }: Props) {
  const { t } = useI18n();
  // Rows keep their identity while values are retyped and reordered.
  const ids = useRef<string[]>([]);
  while (ids.current.length < value.length) ids.current.push(`o${Math.random().toString(36).slice(2)}`);
  ids.current.length = value.length;
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const set = (i: number, o: Option) => onChange(value.map((x, j) => (j === i ? o : x)));
  return (
    <div className="crm-options" data-testid="options-editor">
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={({ active, over }) => {
          if (!over || active.id === over.id) return;
          const from = ids.current.indexOf(String(active.id));
          const to = ids.current.indexOf(String(over.id));
          ids.current = arrayMove(ids.current, from, to);
          onChange(arrayMove(value, from, to));
        }}
      >
        <SortableContext items={[...ids.current]} strategy={verticalListSortingStrategy}>
          {value.map((o, i) => (
            <OptionRow
              key={ids.current[i]}
              id={ids.current[i]!}
              index={i}
              option={o}
              closable={closable}
              problems={problems.filter((p) => p.setting.startsWith(`options/${i}/`) || p.setting === `options/${i}`)}
              onChange={(x) => set(i, x)}
              onRemove={() => {
                ids.current.splice(i, 1);
                onChange(value.filter((_, j) => j !== i));
              }}
            />
          ))}
        </SortableContext>
      </DndContext>
      {value.length === 0 && <Typography.Text type="secondary">{t('builder.options.none')}</Typography.Text>}
      <Button
        size="small"
        icon={<PlusOutlined />}
        onClick={() => onChange([...value, { value: `option_${value.length + 1}`, label: {} }])}
      >
        {t('builder.options.add')}
      </Button>
    </div>
  );
}
