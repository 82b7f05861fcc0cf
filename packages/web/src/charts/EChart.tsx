import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

// Only the chart types the console draws, so the bundle carries no more of ECharts than it needs.
echarts.use([BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;

interface EChartProps {
  option: ChartOption;
  height?: number;
  /** Names the chart for tests and screenshots: data-chart="trend". */
  name: string;
  onClick?: (params: { name: string; seriesName?: string; dataIndex: number }) => void;
}

/**
 * A small React wrapper around one ECharts instance: created on mount, given each new option, resized
 * with its box and disposed on unmount. `data-drawn` turns true once ECharts has finished drawing,
 * which the browser test waits for.
 */
export function EChart({ option, height = 320, name, onClick }: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('finished', () => setDrawn(true));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    setDrawn(false);
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || !onClick) return;
    const handler = (params: unknown) => onClick(params as { name: string; seriesName?: string; dataIndex: number });
    instance.on('click', handler);
    return () => { instance.off('click', handler); };
  }, [onClick]);

  return <div ref={box} data-chart={name} data-drawn={drawn ? 'true' : 'false'} style={{ width: '100%', height }} />;
}
