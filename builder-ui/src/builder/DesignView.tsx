import { DndContext, DragOverlay } from '@dnd-kit/core';
import { arrayMove } from '@dnd-kit/sortable';
import { Drawer, Grid } from 'antd';
import { useI18n } from '../i18n/context';
import { addField, addSection, moveField, removeField, sectionOf, type Draft } from './draft';
import { DragPreview } from './DragPreview';
import { FieldPalette } from './FieldPalette';
import { FieldProperties } from './FieldProperties';
import type { FieldType } from './fieldTypes';
import { FormCanvas } from './FormCanvas';
import { ObjectProperties } from './ObjectProperties';
import type { Placed } from './problems';
import { SectionProperties } from './SectionProperties';
import type { Selection } from './selection';
import { useCanvasDnd } from './useCanvasDnd';

interface Props {
  draft: Draft;
  isNew: boolean;
  selection: Selection;
  problems: Placed;
  onSelect: (s: Selection) => void;
  onChange: (d: Draft) => void;
}

/** Palette, canvas and property panel side by side; on phones stacked, properties in a drawer. */
export function DesignView({ draft, isNew, selection, problems, onSelect, onChange }: Props) {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;

  const add = (type: FieldType, sectionKey: string, index: number) => {
    const [next, key] = addField(draft, type, sectionKey, index, t(`type.${type}`));
    onChange(next);
    onSelect({ kind: 'field', key });
  };
  // A tap or Enter on the palette adds after the selected field, else at the end of the last section.
  const addHere = (type: FieldType) => {
    if (selection?.kind === 'field') {
      const s = sectionOf(draft, selection.key);
      if (s) return add(type, s.key, s.fields.indexOf(selection.key) + 1);
    }
    const s = selection?.kind === 'section' ? draft.sections.find((x) => x.key === selection.key) : undefined;
    const target = s ?? draft.sections[draft.sections.length - 1]!;
    add(type, target.key, target.fields.length);
  };
  const dnd = useCanvasDnd({
    draft,
    addAt: add,
    moveTo: (key, section, index) => onChange(moveField(draft, key, section, index)),
    moveSection: (from, to) => onChange({ ...draft, sections: arrayMove(draft.sections, from, to) }),
  });

  const props =
    selection?.kind === 'field' && draft.fields[selection.key] ? (
      <FieldProperties
        key={selection.key}
        draft={draft}
        fieldKey={selection.key}
        problems={problems.fields[selection.key]}
        onChange={onChange}
        onRemove={() => {
          onSelect(null);
          onChange(removeField(draft, selection.key));
        }}
      />
    ) : selection?.kind === 'section' ? (
      <SectionProperties
        draft={draft}
        sectionKey={selection.key}
        problems={problems.sections[selection.key]}
        onChange={onChange}
      />
    ) : null;

  return (
    <DndContext
      sensors={dnd.sensors}
      collisionDetection={dnd.collision}
      onDragStart={dnd.onDragStart}
      onDragEnd={dnd.onDragEnd}
      onDragCancel={dnd.onDragCancel}
      accessibility={{
        screenReaderInstructions: { draggable: t('builder.dnd.instructions') },
      }}
    >
      <div className={phone ? 'crm-builder crm-builder-phone' : 'crm-builder'}>
        <FieldPalette onAdd={addHere} />
        <FormCanvas
          draft={draft}
          narrow={phone}
          selection={selection}
          problems={problems}
          onSelect={onSelect}
          onChange={onChange}
          onAddSection={() => onChange(addSection(draft, {}))}
        />
        {!phone && (
          <aside className="crm-properties" aria-label={t('builder.properties')}>
            {props ?? <ObjectProperties draft={draft} isNew={isNew} problems={problems.object} onChange={onChange} />}
          </aside>
        )}
        {phone && (
          <div className="crm-properties">
            <ObjectProperties draft={draft} isNew={isNew} problems={problems.object} onChange={onChange} />
          </div>
        )}
      </div>
      {phone && (
        <Drawer
          placement="bottom"
          height="85%"
          open={!!props}
          onClose={() => onSelect(null)}
          title={t('builder.properties')}
          styles={{ body: { paddingTop: 8 } }}
        >
          {props}
        </Drawer>
      )}
      <DragOverlay dropAnimation={null}>
        {dnd.dragging && <DragPreview item={dnd.dragging} draft={draft} />}
      </DragOverlay>
    </DndContext>
  );
}
