import { useEffect, useRef } from 'react';
import { useReducedMotion } from '../shell/useReducedMotion';
import { echarts, type EChartsCoreOption } from './echarts';

/** One ECharts chart that follows its box's size; it animates unless the user asked for less motion. */
export function EChart({
  option,
  height = 280,
  label,
  summary,
}: {
  option: EChartsCoreOption;
  height?: number;
  label: string;
  /** What the chart shows, in words, for those who cannot see the canvas ("Acme: 3; Globex: 1"). */
  summary?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
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
    <div ref={box} style={{ width: '100%', height }} role="img" aria-label={summary ? `${label}. ${summary}` : label} />
  );
}
