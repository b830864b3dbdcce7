// Where each widget of a dashboard sits on its 12-column grid: the saved layout, or one made from
// the widget types' usual sizes, filled in reading order. Pure: the page holds the widgets.
import type { WidgetDef, WidgetLayout, WidgetType } from '../api/dashboards';

export const gridCols = 12;
export const rowHeight = 80;

const usualSize: Record<WidgetType, { w: number; h: number }> = {
  number: { w: 3, h: 2 },
  funnel: { w: 6, h: 6 },
  bar: { w: 6, h: 4 },
  pie: { w: 6, h: 4 },
  sla_compliance: { w: 6, h: 3 },
  report: { w: 6, h: 5 },
};

/** The size a new widget of type takes. */
export const sizeOf = (type: WidgetType) => usualSize[type] ?? { w: 6, h: 4 };

/** Every widget's layout: saved ones kept, the others placed after them left to right, row by row. */
export function layoutsOf(widgets: WidgetDef[]): WidgetLayout[] {
  let bottom = Math.max(0, ...widgets.map((w) => (w.layout ? w.layout.y + w.layout.h : 0)));
  let x = 0;
  let rowH = 0;
  return widgets.map((w) => {
    if (w.layout) return clamp(w.layout);
    const { w: width, h } = sizeOf(w.type);
    if (x + width > gridCols) {
      bottom += rowH;
      x = 0;
      rowH = 0;
    }
    const l = { x, y: bottom, w: width, h };
    x += width;
    rowH = Math.max(rowH, h);
    return l;
  });
}

/** A layout inside the grid: at least 2 columns by 2 rows, never wider than the grid. */
export function clamp(l: WidgetLayout): WidgetLayout {
  const w = Math.min(gridCols, Math.max(2, Math.round(l.w)));
  return {
    x: Math.min(gridCols - w, Math.max(0, Math.round(l.x))),
    y: Math.max(0, Math.round(l.y)),
    w,
    h: Math.max(2, Math.round(l.h)),
  };
}

/** The widgets in reading order (top to bottom, left to right): how a phone stacks them. */
export function readingOrder<T extends { layout: WidgetLayout }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);
}

/** A name for a new widget not yet used on the dashboard ("pipeline", "pipeline_2", ...). */
export function widgetName(base: string, widgets: WidgetDef[]): string {
  const taken = new Set(widgets.map((w) => w.name));
  const stem = base.replace(/[^a-z0-9_]/g, '_').slice(0, 50) || 'widget';
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** The widget resized or moved by a step (the keyboard's and the phone's way to arrange). */
export function nudge(l: WidgetLayout, how: 'wider' | 'narrower' | 'up' | 'down'): WidgetLayout {
  switch (how) {
    case 'wider':
      return clamp({ ...l, w: l.w + 1, x: l.x + l.w + 1 > gridCols ? l.x - 1 : l.x });
    case 'narrower':
      return clamp({ ...l, w: l.w - 1 });
    case 'up':
      return clamp({ ...l, y: l.y - 1 });
    case 'down':
      return clamp({ ...l, y: l.y + 1 });
  }
}
