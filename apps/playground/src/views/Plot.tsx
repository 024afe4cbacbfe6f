// A uPlot chart as a component: made once when mounted, redrawn with setData when `version`
// changes (the columns grow in place, so a number says "new points" without copying them), and
// resized with its container.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface PlotProps {
  /** The chart's options without width and height (taken from the container and `height`). */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** Changes whenever `data` has new values; the chart redraws then, and only then. */
  version: number;
  height?: number;
  testId: string;
  /** What the chart shows, for screen readers (the canvas has no text). */
  label: string;
}

export function Plot({ options, data, version, height = 220, testId, label }: PlotProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(200, element.clientWidth);
    const plot = new uPlot({ ...options, width, height }, data, element);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      const next = Math.max(200, element.clientWidth);
      if (next !== plot.width) plot.setSize({ width: next, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [version, data]);

  return <div class="rv-plot" ref={box} data-testid={testId} role="img" aria-label={label} />;
}
