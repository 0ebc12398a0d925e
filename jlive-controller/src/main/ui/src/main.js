// The jlive dashboard: pages over the controller's API, kept live by one server-sent event stream.
import { h, render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';
import { call, refusal, setCsrf } from './api.js';

const html = htm.bind(h);

// ---- live state -------------------------------------------------------------------------------

/** What the stream sent last, by topic; pages read it, the stream replaces it. */
const live = { events: [] };
let redraw = () => {};
let stream = null;
let streamKey = null;
let signedOutHandler = () => {};
const EVENTS_KEPT = 500;

/**
 * What the browser tests measure: how long a stream message takes from arrival to the page drawn
 * (parse and render), and when the first process rows were drawn.
 */
const stats = (window.jliveStats = { messages: 0, lastUpdateMillis: 0, maxUpdateMillis: 0, firstRowsAt: null, firstRowsCount: 0 });
let pendingSince = null;

function openStream(service, change) {
  const key = (service || '') + '|' + (change || '');
  if (stream && streamKey === key) return;
  if (stream) stream.close();
  streamKey = key;
  for (const topic of ['processes', 'changes', 'states', 'approvals', 'metrics', 'status', 'history']) {
    delete live[topic];
  }
  live.events = [];
  const query = new URLSearchParams();
  if (service) query.set('service', service);
  if (change) query.set('change', change);
  stream = new EventSource('/ui/stream?' + query);
  const topics = ['rights', 'clock', 'services', 'processes', 'changes', 'states', 'approvals',
    'metrics', 'status', 'history'];
  for (const topic of topics) {
    stream.addEventListener(topic, (message) => {
      if (pendingSince === null) pendingSince = performance.now();
      live[topic] = JSON.parse(message.data);
      live.receivedAt = performance.now();
      redraw();
    });
  }
  stream.addEventListener('events', (message) => {
    const page = JSON.parse(message.data);
    if (page.events) {
      live.events = live.events.concat(page.events).slice(-EVENTS_KEPT);
    } else {
      live.eventsRefused = page;
    }
    redraw();
  });
  stream.addEventListener('signedOut', () => {
    stream.close();
    stream = null;
    streamKey = null;
    signedOutHandler();
  });
}

// ---- routing ----------------------------------------------------------------------------------

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page: parts[0] || 'services', service: parts[1] || null, change: parts[2] || null };
}

function link(page, service, change) {
  return '#/' + [page, service, change].filter((part) => part).map(encodeURIComponent).join('/');
}

// ---- small parts ------------------------------------------------------------------------------

function Refused({ topic }) {
  return topic && topic.refused
    ? html`<p class="refused" data-refused>${refusal(topic)}</p>`
    : null;
}

/** Only the rows in view are drawn, so a table of thousands of processes scrolls smoothly. */
function Windowed({ rows, rowHeight = 26, height = 420, header, row, id }) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const count = Math.ceil(height / rowHeight) + 10;
  const shown = rows.slice(first, first + count);
  return html`
    <div class="windowed" id=${id} data-rows=${rows.length}
         style=${'height:' + Math.min(height, rows.length * rowHeight + rowHeight + 2) + 'px'}
         onScroll=${(e) => setTop(e.currentTarget.scrollTop)}>
      <div class="row head" style=${'height:' + rowHeight + 'px'}>${header}</div>
      <div style=${'position:relative;height:' + rows.length * rowHeight + 'px'}>
        ${shown.map((item, i) => html`
          <div class="row" key=${first + i}
               style=${'position:absolute;left:0;right:0;height:' + rowHeight + 'px;top:' + (first + i) * rowHeight + 'px'}>
            ${row(item)}
          </div>`)}
      </div>
    </div>`;
}

/** A confirm step in the page (not a browser dialog): what will happen, then yes or no. */
function Confirm({ action, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const go = async () => {
    setBusy(true);
    const answer = await call(action.method, action.path, action.body);
    setBusy(false);
    if (answer.ok) {
      onDone(action.label + ' done: ' + (answer.json.change ? answer.json.change.state : 'ok'));
    } else {
      setError(refusal(answer.json));
    }
  };
  return html`
    <div class="confirm" id="confirm">
      <p>${action.question}</p>
      ${error && html`<p class="refused" id="refusal">${error}</p>`}
      <button class="danger" id="confirm-yes" disabled=${busy} onClick=${go}>Yes, ${action.label.toLowerCase()}</button>
      <button id="confirm-no" onClick=${() => onDone(null)}>Cancel</button>
    </div>`;
}

function age(lastSeen, now) {
  if (!lastSeen) return null;
  return Math.max(0, (now - Date.parse(lastSeen)) / 1000);
}

// ---- pages ------------------------------------------------------------------------------------

function ServicesPage({ service }) {
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

function ChangesPage({ service, change }) {
  const [confirming, setConfirming] = useState(null);
  const [note, setNote] = useState(null);
  const rights = live.rights || {};
  const changes = (live.changes && live.changes.changes) || [];
  const states = live.states || {};
  const path = (id) => '/v1/services/' + encodeURIComponent(service) + '/changes/' + encodeURIComponent(id);
  const ask = (label, question, method, p, body) =>
    setConfirming({ label, question, method, path: p, body });
  const buttons = (c) => {
    const out = [];
    if (c.state === 'proposed' && rights.approve && c.author !== rights.user) {
      out.push(html`<button class="approve" data-action="approve" data-change=${c.id}
        onClick=${() => ask('Approve', 'Approve ' + c.id + ' (' + c.kind + ' by ' + c.author + ')? With enough approvals it goes to every matching process.', 'POST', path(c.id) + '/approve', { comment: 'approved in the dashboard' })}>approve</button>`);
    }
    if (c.state === 'proposed' && (rights.approve || (c.author === rights.user && (c.kind === 'probe' ? rights.probe : rights.patch)))) {
      out.push(html`<button data-action="reject" data-change=${c.id}
        onClick=${() => ask('Reject', 'Reject ' + c.id + '? It will never be sent.', 'POST', path(c.id) + '/reject', { comment: 'rejected in the dashboard' })}>reject</button>`);
    }
    if (c.state === 'active' && (c.kind === 'probe' ? rights.probe : rights.patch)) {
      out.push(html`<button class="danger" data-action="revert" data-change=${c.id}
        onClick=${() => ask('Revert', 'Revert ' + c.id + ' on every process of ' + service + '?', 'DELETE', path(c.id))}>revert</button>`);
    }
    return out;
  };
  const results = (live.status && live.status.results) || [];
  return html`
    <section>
      <h2>Changes of ${service || '…'}</h2>
      <${Refused} topic=${live.changes} />
      ${note && html`<p class="note" id="note">${note}</p>`}
      ${confirming && html`<${Confirm} action=${confirming} onDone=${(message) => { setConfirming(null); setNote(message); }} />`}
      <table id="changes">
        <thead><tr><th>change</th><th>kind</th><th>what</th><th>state</th><th>author</th>
          <th>approvals</th><th>processes</th><th></th></tr></thead>
        <tbody>
          ${changes.map((c) => html`
            <tr key=${c.id} data-change=${c.id} data-state=${c.state} class=${c.id === change ? 'chosen' : ''}>
              <td><a href=${link('changes', service, c.id)}>${c.id}</a></td>
              <td>${c.kind}</td>
              <td>${c.description || (c.spec && (c.spec.selector || c.spec.method)) || ''}
                ${c.kind === 'probe'
                  ? html` <a href=${link('probe', service, c.id)}>chart</a>`
                  : html` <a href=${link('patch', service, c.id)}>source</a>`}</td>
              <td><span class=${'state ' + c.state}>${c.state}</span></td>
              <td>${c.author}</td>
              <td>${(c.approvals || []).filter((a) => a.decision === 'approve').length}/${c.required || 0}
                ${(c.approvals || []).map((a) => html` <span class="who">${a.decision} by ${a.by}</span>`)}</td>
              <td class="counts">${Object.entries(states[c.id] || {}).map(([state, n]) =>
                html`<span class=${'state ' + state}>${n} ${state}</span> `)}</td>
              <td>${buttons(c)}</td>
            </tr>`)}
        </tbody>
      </table>
      ${change && html`
        <h3>${change} on each process</h3>
        <${Refused} topic=${live.status} />
        <${Windowed} id="results" rows=${results} height=${300} header=${html`
          <span class="w-id">process</span><span>host</span><span class="w-n">pid</span><span>state</span><span class="w-wide">message</span>`}
          row=${(r) => html`<span class="w-id">${r.process}</span><span>${r.host}</span><span class="w-n">${r.pid}</span>
            <span class=${'state ' + r.state} data-result-state=${r.state}>${r.state}</span><span class="w-wide">${r.message || ''}</span>`} />`}
    </section>`;
}

function Chart({ id, title, series, points }) {
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

function AddProbe({ service }) {
  const [selector, setSelector] = useState('');
  const [kind, setKind] = useState('metrics');
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  const looksRight = /^[\w$.]+#[\w$<>*]+(\(.*\))?$/.test(selector);
  const add = async (e) => {
    e.preventDefault();
    setError(null);
    const answer = await call('POST', '/v1/services/' + encodeURIComponent(service) + '/changes',
      { kind: 'probe', spec: { selector, kind } });
    if (answer.ok) {
      const c = answer.json.change;
      setMessage(c.id + ' ' + c.state);
      location.hash = link('probe', service, c.id);
    } else {
      setError(refusal(answer.json));
    }
  };
  return html`
    <form class="add-probe" id="add-probe" onSubmit=${add}>
      <h3>Add a probe to ${service}</h3>
      <input id="probe-selector" placeholder="com.example.Shop#price" value=${selector}
             onInput=${(e) => setSelector(e.currentTarget.value)} size="40" />
      <select id="probe-kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
        ${['metrics', 'count', 'callers', 'log'].map((k) => html`<option value=${k}>${k}</option>`)}
      </select>
      <button id="probe-add" disabled=${!looksRight}>add probe</button>
      <span class="hint">${selector && !looksRight ? 'a selector is Class#method, e.g. com.example.Shop#price' : ''}</span>
      ${message && html`<p class="note">${message}</p>`}
      ${error && html`<p class="refused" id="probe-refusal">${error}</p>`}
    </form>`;
}

function ProbePage({ service, change }) {
  const [filter, setFilter] = useState('');
  const rights = live.rights || {};
  const points = (live.history && live.history.change === change && live.history.points) || [];
  const metrics = live.metrics || {};
  const perProcess = (metrics.processes || []).filter((p) => p.change === change);
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

function PatchPage({ service, change }) {
  const changes = (live.changes && live.changes.changes) || [];
  const c = changes.find((x) => x.id === change);
  const waiting = ((live.approvals && live.approvals.waiting) || []).find((w) => w.change.id === change);
  if (!c) return html`<section><h2>Patch ${change}</h2><p>Loading, or no such change in ${service}.</p></section>`;
  const spec = c.spec || {};
  return html`
    <section>
      <h2>Patch ${change} of ${service} <span class=${'state ' + c.state}>${c.state}</span></h2>
      <p>by ${c.author}; replaces ${spec.method ? html`<code>${spec.method}</code>` : 'the methods of the classes below'}
        ${(spec.also || []).length ? ' (quiescence also over ' + spec.also.join(', ') + ')' : ''}</p>
      ${waiting
        ? html`<h3>Diff against what runs (waiting for ${waiting.missing} more approval${waiting.missing === 1 ? '' : 's'})</h3>
            <pre class="diff" id="diff">${waiting.diff.split('\n').map((line) =>
              html`<span class=${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}>${line + '\n'}</span>`)}</pre>`
        : html`<h3>Sources</h3>${(spec.sources || []).map((s) => html`<h4>${s.name}</h4><pre class="source" id="source">${s.code}</pre>`)}
            ${spec.methodSource && html`<pre class="source">${spec.methodSource}</pre>`}`}
      <p><a href=${link('changes', service, change)}>state on each process</a></p>
    </section>`;
}

function AuditPage() {
  const [filter, setFilter] = useState('');
  const [answer, setAnswer] = useState(null);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      const result = await call('GET', '/v1/audit?limit=500');
      if (!stop) setAnswer(result);
    };
    load();
    const timer = setInterval(load, 3000);
    return () => { stop = true; clearInterval(timer); };
  }, []);
  if (!answer) return html`<section><h2>Audit</h2><p>loading…</p></section>`;
  if (!answer.ok) return html`<section><h2>Audit</h2><p class="refused" data-refused>${refusal(answer.json)}</p></section>`;
  const records = (answer.json.records || []).slice().reverse()
    .filter((r) => !filter || JSON.stringify(r).toLowerCase().includes(filter.toLowerCase()));
  return html`
    <section>
      <h2>Audit</h2>
      <input id="audit-filter" placeholder="filter: user, service, action…" value=${filter}
             onInput=${(e) => setFilter(e.currentTarget.value)} />
      <table id="audit"><thead><tr><th>#</th><th>time</th><th>user</th><th>role</th><th>from</th>
        <th>operation</th><th>service</th><th>change</th><th>result</th><th>detail</th></tr></thead>
        <tbody>${records.slice(0, 300).map((r) => html`<tr data-seq=${r.seq}>
          <td>${r.seq}</td><td>${r.time}</td><td>${r.user}</td><td>${r.role}</td><td>${r.from}</td>
          <td>${r.operation}</td><td>${r.service}</td><td>${r.change}</td>
          <td>${r.result} ${r.status}</td><td>${r.detail}</td></tr>`)}</tbody></table>
    </section>`;
}

// ---- frame ------------------------------------------------------------------------------------

function SignIn({ onSignedIn }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const answer = await call('POST', '/ui/session', { token });
    if (answer.ok) onSignedIn(answer.json);
    else setError(refusal(answer.json));
  };
  return html`
    <form class="sign-in" id="sign-in" onSubmit=${submit}>
      <h1>jlive</h1>
      <p>Sign in with your user token (<code>jlive controller users add</code> makes one).</p>
      <input id="token" type="password" autocomplete="off" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
      <button id="sign-in-button">Sign in</button>
      ${error && html`<p class="refused" id="sign-in-error">${error}</p>`}
    </form>`;
}

function App() {
  const [, setVersion] = useState(0);
  const [session, setSession] = useState(undefined);
  const [route, setRoute] = useState(parseRoute());
  useLayoutEffect(() => {
    if (pendingSince !== null) {
      stats.messages++;
      stats.lastUpdateMillis = performance.now() - pendingSince;
      stats.maxUpdateMillis = Math.max(stats.maxUpdateMillis, stats.lastUpdateMillis);
      pendingSince = null;
    }
  });
  useEffect(() => {
    redraw = () => setVersion((v) => v + 1);
    signedOutHandler = () => setSession(null);
    window.addEventListener('hashchange', () => setRoute(parseRoute()));
    call('GET', '/ui/session').then((answer) => {
      if (answer.ok) setCsrf(answer.json.csrf);
      setSession(answer.ok ? answer.json : null);
    });
  }, []);
  const services = (live.services && live.services.services) || [];
  const service = route.service || (services[0] && services[0].name) || null;
  const change = route.page === 'probe' || route.page === 'patch' || route.page === 'changes' ? route.change : null;
  useEffect(() => {
    if (session) openStream(service, change);
  }, [session, service, change]);
  if (session === undefined) return html`<p>loading…</p>`;
  if (session === null) {
    return html`<${SignIn} onSignedIn=${(s) => { setCsrf(s.csrf); setSession(s); }} />`;
  }
  const signOut = async () => {
    await call('DELETE', '/ui/session');
    if (stream) stream.close();
    stream = null;
    streamKey = null;
    setSession(null);
  };
  const tab = (page, label) => html`<a href=${link(page, service)} id=${'tab-' + page}
      class=${route.page === page ? 'chosen' : ''}>${label}</a>`;
  const pages = {
    services: () => html`<${ServicesPage} service=${service} />`,
    changes: () => html`<${ChangesPage} service=${service} change=${change} />`,
    probe: () => html`<${ProbePage} service=${service} change=${change} />`,
    patch: () => html`<${PatchPage} service=${service} change=${change} />`,
    audit: () => html`<${AuditPage} />`,
  };
  return html`
    <header>
      <strong>jlive</strong>
      <nav>${tab('services', 'Services')} ${tab('changes', 'Changes')} ${tab('probe', 'Probes')} ${tab('audit', 'Audit')}</nav>
      <span class="user" id="user">${session.user} (${(live.rights && live.rights.grants) || session.grants})</span>
      <button id="sign-out" onClick=${signOut}>Sign out</button>
    </header>
    <aside>
      <h3>Services</h3>
      <${Refused} topic=${live.services} />
      <ul id="services">${services.map((s) => html`
        <li class=${s.name === service ? 'chosen' : ''} data-service=${s.name}>
          <a href=${link(route.page === 'audit' ? 'services' : route.page, s.name)}>${s.name}</a>
          <span class="count">${s.processes} proc, ${s.activeChanges} active</span></li>`)}</ul>
    </aside>
    <main>${(pages[route.page] || pages.services)()}</main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
