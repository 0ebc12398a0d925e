import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { live } from '../live.js';
import { link } from '../route.js';
import { Refused } from '../components/refused.js';
import { Chart } from '../components/chart.js';
import { AddProbe } from '../components/add-probe.js';
import { FlameGraph } from '../components/flame.js';

export function ProbePage({ service, change }) {
  const [filter, setFilter] = useState('');
  const rights = live.rights || {};
  const points = (live.history && live.history.change === change && live.history.points) || [];
  const metrics = live.metrics || {};
  const perProcess = (metrics.processes || []).filter((p) => p.change === change);
  const merged = (metrics.merged || []).find((m) => m.change === change);
  const probes = ((live.changes && live.changes.changes) || []).filter((c) => c.kind === 'probe');
  const events = live.events.filter((e) => !filter || JSON.stringify(e).toLowerCase().includes(filter.toLowerCase()));
  return html`
    <section>
      <h2>Probes of ${service || '…'}</h2>
      <nav class="probes">${probes.map((c) => html`
        <a href=${link('probe', service, c.id)} class=${c.id === change ? 'chosen' : ''}>${c.id} ${c.spec && c.spec.selector} (${c.state})</a> `)}</nav>
      ${rights.probe && html`<${AddProbe} service=${service} />`}
      <${Refused} topic=${live.metrics} />
      ${change && html`
        ${merged && merged.kind === 'callers' && html`
          <h3>Callers of ${merged.selector}: flame graph</h3>
          <p class="hint">outermost caller at the top; each box as wide as the calls that came through it</p>
          <${FlameGraph} paths=${merged.callers} method=${merged.selector} />`}
        <div class="charts">
          <${Chart} key=${change + 'r'} id="chart-rates" title="calls/s and errors/s" points=${points}
            series=${[{ key: 'calls', label: 'calls/s', color: '#2060c0' }, { key: 'errors', label: 'errors/s', color: '#c03030' }]} />
          <${Chart} key=${change + 'l'} id="chart-latency" title="latency (ms)" points=${points}
            series=${[{ key: 'p50', label: 'p50', color: '#30a050' }, { key: 'p90', label: 'p90', color: '#d09020' },
              { key: 'p99', label: 'p99', color: '#c03030' }]} />
        </div>
        <h3>Per process</h3>
        <table id="per-process"><thead><tr><th>process</th><th>host</th><th>pid</th><th>calls</th><th>p50 ms</th><th>p99 ms</th></tr></thead>
          <tbody>${perProcess.slice(0, 200).map((p) => html`<tr><td>${p.process}</td><td>${p.host}</td><td>${p.pid}</td>
            <td>${p.metrics && p.metrics.calls}</td><td>${p.metrics && p.metrics.latency && p.metrics.latency.p50Millis}</td>
            <td>${p.metrics && p.metrics.latency && p.metrics.latency.p99Millis}</td></tr>`)}</tbody></table>`}
      <h3>Events</h3>
      <input id="event-filter" placeholder="filter events" value=${filter} onInput=${(e) => setFilter(e.currentTarget.value)} />
      <${Refused} topic=${live.eventsRefused} />
      <ul class="events" id="events">${events.slice(-200).reverse().map((e) => html`
        <li><span class="time">${new Date(e.timeMillis || (e.event && e.event.timeMillis) || 0).toISOString().substring(11, 23)}</span>
          <span class="who">${e.host}:${e.pid}</span> <code>${JSON.stringify(e.event || e)}</code></li>`)}</ul>
    </section>`;
}
