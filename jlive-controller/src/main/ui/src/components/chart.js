import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html.js';

/** A live time series: points are {t: epoch millis, [series key]: value}. */
export function Chart({ id, title, series, points }) {
  const box = useRef(null);
  const plot = useRef(null);
  const data = [points.map((p) => p.t / 1000)].concat(series.map((s) => points.map((p) => p[s.key])));
  useEffect(() => {
    plot.current = new uPlot({
      width: 560,
      height: 220,
      title,
      scales: { x: { time: true } },
      series: [{}].concat(series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: false }))),
      axes: [{}, { size: 60 }],
    }, data, box.current);
    return () => plot.current.destroy();
  }, []);
  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  });
  const last = points.length ? points[points.length - 1] : {};
  return html`<div class="chart" id=${id} data-points=${points.length}
      data-last=${JSON.stringify(last)} ref=${box}></div>`;
}
