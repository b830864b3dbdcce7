import { PlusOutlined } from '@ant-design/icons';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { Button } from 'antd';
import { useI18n } from '../i18n/context';
import { CanvasSection } from './CanvasSection';
import { removeSection, updateSection, type Draft } from './draft';
import type { Placed } from './problems';
import type { Selection } from './selection';

interface Props {
  draft: Draft;
  narrow: boolean;
  selection: Selection;
  problems: Placed;
  onSelect: (s: Selection) => void;
  onChange: (d: Draft) => void;
  onAddSection: () => void;
}

/** The form being designed: its sections in order, each with its fields. */
export function FormCanvas({ draft, narrow, selection, problems, onSelect, onChange, onAddSection }: Props) {
  const { t } = useI18n();
  return (
    <section className="crm-canvas" aria-label={t('builder.canvas.title')} data-testid="canvas">
      <SortableContext items={draft.sections.map((s) => `sec:${s.key}`)} strategy={verticalListSortingStrategy}>
        {draft.sections.map((s, i) => (
          <CanvasSection
            key={s.key}
            draft={draft}
            section={s}
            index={i}
            narrow={narrow}
            selection={selection}
            problems={problems}
            onSelect={onSelect}
            onColumns={(n) => onChange(updateSection(draft, s.key, { columns: n }))}
            onRemove={draft.sections.length > 1 ? () => onChange(removeSection(draft, s.key)) : undefined}
          />
        ))}
      </SortableContext>
      <Button type="dashed" block icon={<PlusOutlined />} onClick={onAddSection}>
        {t('builder.section.add')}
      </Button>
    </section>
  );
}
