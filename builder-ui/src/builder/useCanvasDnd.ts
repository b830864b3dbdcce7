// Drag and drop of the canvas: palette types onto sections, fields within and between sections
// (a section's columns are filled row by row, so a position is also a column), sections in order.
// Ids: "type:<type>" palette, "f:<key>" fields, "zone:<key>" section bodies, "sec:<key>" sections.
import {
  closestCenter,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Collision,
  type CollisionDetection,
  type DroppableContainer,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useState } from 'react';
import type { Draft } from './draft';
import type { FieldType } from './fieldTypes';

const kindOf = (id: UniqueIdentifier) => String(id).split(':')[0]!;
const keyOf = (id: UniqueIdentifier) => String(id).slice(String(id).indexOf(':') + 1);

// Where the pointer really is. @dnd-kit's pointer coordinates and drop rects go stale when the page
// scrolls during a drag (a long form on a phone), so the field under the pointer is found from
// the live pointer and live rects.
const pointer = { x: 0, y: 0 };
if (typeof window !== 'undefined') {
  window.addEventListener(
    'pointermove',
    (e) => {
      pointer.x = e.clientX;
      pointer.y = e.clientY;
    },
    { capture: true, passive: true },
  );
}

function underPointer(targets: DroppableContainer[]): Collision[] {
  const hits: Collision[] = [];
  for (const c of targets) {
    const el = c.node.current;
    if (!el) continue;
    // Where the element sits without the shift sorting gives it, as @dnd-kit's own rects do;
    // else a field sliding away under the pointer would make the target flicker.
    // The computed transform is the one shown now, also halfway through the sliding transition.
    const r = el.getBoundingClientRect();
    const t = getComputedStyle(el).transform;
    const m = t && t !== 'none' ? new DOMMatrixReadOnly(t) : null;
    const x = pointer.x + (m?.m41 ?? 0);
    const y = pointer.y + (m?.m42 ?? 0);
    if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) {
      hits.push({ id: c.id, data: { droppableContainer: c, value: r.width * r.height } });
    }
  }
  // The innermost (smallest) first: a field before the section body around it.
  return hits.sort((a, b) => (a.data!.value as number) - (b.data!.value as number));
}

// A section drags among sections; a field or a palette type among fields and section bodies,
// preferring the field under the pointer over the body around it.
const collision: CollisionDetection = (args) => {
  const moving = kindOf(args.active.id);
  const targets = args.droppableContainers.filter((c) =>
    moving === 'sec' ? kindOf(c.id) === 'sec' : kindOf(c.id) === 'f' || kindOf(c.id) === 'zone',
  );
  const scoped = { ...args, droppableContainers: targets };
  if (args.pointerCoordinates) {
    const within = underPointer(targets);
    if (within.length) return within;
  }
  if (moving === 'sec') return closestCenter(scoped);
  return closestCenter({ ...scoped, droppableContainers: targets.filter((c) => kindOf(c.id) === 'f') });
};

// The keyboard moves a field from field to field and a section from section to section.
const keyboardCoordinates: KeyboardCoordinateGetter = (event, args) => {
  const { context } = args;
  const moving = context.active ? kindOf(context.active.id) : '';
  const all = context.droppableContainers;
  const keep = (id: UniqueIdentifier) => (moving === 'sec' ? kindOf(id) === 'sec' : kindOf(id) === 'f');
  // sortableKeyboardCoordinates reads only getEnabled and get of the map.
  const filtered = {
    getEnabled: () => all.getEnabled().filter((c) => keep(c.id)),
    get: (id: UniqueIdentifier) => all.get(id),
  } as unknown as typeof all;
  return sortableKeyboardCoordinates(event, { ...args, context: { ...context, droppableContainers: filtered } });
};

export type DragItem =
  { kind: 'palette'; type: FieldType } | { kind: 'field'; key: string } | { kind: 'section'; key: string };

interface Handlers {
  draft: Draft;
  addAt: (type: FieldType, sectionKey: string, index: number) => void;
  moveTo: (fieldKey: string, sectionKey: string, index: number) => void;
  moveSection: (from: number, to: number) => void;
}

export function useCanvasDnd({ draft, addAt, moveTo, moveSection }: Handlers) {
  const [dragging, setDragging] = useState<DragItem | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  // Where a drop over id lands: the section and the index in it.
  const target = (overId: UniqueIdentifier): { section: string; index: number } | null => {
    if (kindOf(overId) === 'zone') {
      const s = draft.sections.find((x) => x.key === keyOf(overId));
      return s ? { section: s.key, index: s.fields.length } : null;
    }
    if (kindOf(overId) === 'f') {
      const k = keyOf(overId);
      const s = draft.sections.find((x) => x.fields.includes(k));
      return s ? { section: s.key, index: s.fields.indexOf(k) } : null;
    }
    return null;
  };

  const onDragStart = (e: DragStartEvent) => {
    const id = e.active.id;
    if (kindOf(id) === 'type') setDragging({ kind: 'palette', type: keyOf(id) as FieldType });
    else if (kindOf(id) === 'f') setDragging({ kind: 'field', key: keyOf(id) });
    else if (kindOf(id) === 'sec') setDragging({ kind: 'section', key: keyOf(id) });
  };

  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const { active, over } = e;
    if (!over) return;
    const moving = kindOf(active.id);
    if (moving === 'sec') {
      const from = draft.sections.findIndex((s) => `sec:${s.key}` === active.id);
      const to = draft.sections.findIndex((s) => `sec:${s.key}` === over.id);
      if (from >= 0 && to >= 0 && from !== to) moveSection(from, to);
      return;
    }
    const at = target(over.id);
    if (!at) return;
    if (moving === 'type') {
      addAt(keyOf(active.id) as FieldType, at.section, at.index);
      return;
    }
    if (moving === 'f' && active.id !== over.id) moveTo(keyOf(active.id), at.section, at.index);
  };

  return { sensors, collision, onDragStart, onDragEnd, onDragCancel: () => setDragging(null), dragging };
}
