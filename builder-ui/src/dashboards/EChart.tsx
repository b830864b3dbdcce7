import { useEffect, useRef } from 'react';
import { useReducedMotion } from '../shell/useReducedMotion';
import { echarts, type EChartsCoreOption } from './echarts';

/** One ECharts chart that follows its box's size; it animates unless the user asked for less motion. */
export function EChart({
  option,
  height = 280,
  label,
  summary,
  onClick,
}: {
  option: EChartsCoreOption;
  height?: number;
  label: string;
  /** What the chart shows, in words, for those who cannot see the canvas ("Acme: 3; Globex: 1"). */
  summary?: string;
  /** Called with the data item of a clicked bar, slice or point (report drill-down). */
  onClick?: (data: unknown) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  useEffect(() => {
    click.current = onClick;
  }, [onClick]);

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p.data));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  const still = useReducedMotion();
  useEffect(() => {
    chart.current?.setOption({ animation: !still, ...option }, true);
  }, [option, still]);

  return (
    <div
      ref={box}
      style={{ width: '100%', height, cursor: onClick ? 'pointer' : undefined }}
      role="img"
      aria-label={summary ? `${label}. ${summary}` : label}
    />
  );
}
