import { useEffect } from 'preact/hooks';
import { html } from '../html.js';
import { live, stats } from '../live.js';
import { Refused } from '../components/refused.js';
import { Windowed } from '../components/windowed.js';

function age(lastSeen, now) {
  if (!lastSeen) return null;
  return Math.max(0, (now - Date.parse(lastSeen)) / 1000);
}

export function ServicesPage({ service }) {
  const rows = (live.processes && live.processes.processes) || [];
  const now = live.clock ? live.clock.now : Date.now();
  let stale = 0;
  useEffect(() => {
    if (rows.length && stats.firstRowsAt === null) {
      stats.firstRowsAt = performance.now();
      stats.firstRowsCount = rows.length;
    }
  });
  // Stale: two heartbeats missed (the controller drops a process at three).
  const heartbeat = (live.clock && live.clock.heartbeatMillis) || 5000;
  for (const row of rows) {
    const a = age(row.lastSeen, now);
    row.stale = a !== null && a * 1000 > 2 * heartbeat + 500;
    if (row.stale) stale++;
  }
  return html`
    <section>
      <h2>Processes of ${service || '…'}</h2>
      <${Refused} topic=${live.processes} />
      <p class="summary" id="process-summary">
        <span id="process-count">${rows.length}</span> processes,
        <span class=${stale ? 'stale' : ''} id="stale-count">${stale}</span> stale
      </p>
      <${Windowed} id="processes" rows=${rows} header=${html`
        <span class="w-id">process</span><span>host</span><span class="w-n">pid</span>
        <span>labels</span><span>Java</span><span>agent</span><span>last seen</span><span class="w-wide">changes</span>`}
        row=${(row) => html`
          <span class=${'w-id' + (row.stale ? ' stale' : '')} data-pid=${row.pid}
                title=${row.stale ? 'no sync for a while: the process may be gone' : ''}>
            ${row.stale ? '⚠ ' : ''}${row.id}</span>
          <span>${row.host}</span><span class="w-n">${row.pid}</span>
          <span>${Object.entries(row.labels || {}).map(([k, v]) => k + '=' + v).join(' ')}</span>
          <span>${row.javaVersion}</span><span>${row.agentVersion}</span>
          <span class=${row.stale ? 'stale' : ''}>${age(row.lastSeen, now)?.toFixed(0)} s ago</span>
          <span class="w-wide">${Object.entries(row.changes || {}).map(([id, report]) =>
            html`<span class=${'state ' + report.state}>${id} ${report.state}</span> `)}</span>`} />
    </section>`;
}
