import { html } from '../html.js';

const FIGURES = [
  ['state', 'state'], ['sampled', 'calls sampled'], ['compared', 'compared'], ['equal', 'equal'],
  ['expectedDifferences', 'expected differences'], ['unexpectedDifferences', 'unexpected differences'],
  ['candidateExceptions', 'candidate exceptions'], ['dropped', 'dropped (queue full)'],
  ['failures', 'runs jlive could not make'],
  ['originalMeanMicros', 'original mean µs'], ['candidateMeanMicros', 'candidate mean µs'],
];

function Examples({ examples }) {
  if (!examples || !examples.length) return null;
  return html`<h4>Differences, one example each</h4>
    <table><thead><tr><th>calls</th><th>expected</th><th>method</th><th>arguments</th><th>paths</th>
      <th>original</th><th>candidate</th></tr></thead>
      <tbody>${examples.map((e) => html`<tr><td>${e.calls}</td><td>${e.expected ? 'yes' : 'no'}</td>
        <td><code>${e.method}</code></td><td><code>${e.arguments}</code></td>
        <td>${(e.paths || []).join(', ')}</td><td><code>${e.original}</code></td>
        <td><code>${e.candidate}</code></td></tr>`)}</tbody></table>`;
}

const PER_PROCESS = [
  ['compared', 'compared'], ['equal', 'equal'], ['unexpectedDifferences', 'unexpected'],
  ['candidateExceptions', 'candidate exceptions'], ['originalMeanMicros', 'original µs'],
  ['candidateMeanMicros', 'candidate µs'],
];

/** One line per process that reported the shadow: the figures the merged report adds up. */
function PerProcess({ processes }) {
  const ids = Object.keys(processes || {});
  if (!ids.length) return null;
  return html`<h4>Per process</h4>
    <table id="shadow-processes"><thead><tr><th>process</th>${PER_PROCESS.map(([, label]) => html`<th>${label}</th>`)}</tr></thead>
      <tbody>${ids.map((id) => html`<tr data-process=${id}><td>${id}</td>${PER_PROCESS.map(([key]) =>
        html`<td>${processes[id][key] == null ? '' : String(processes[id][key])}</td>`)}</tr>`)}</tbody></table>`;
}

/**
 * A shadow run's report, in ShadowReport's wire form: the calls compared and how many agreed, the
 * differences expected and not with an example each, and the two bodies' mean latency. On the
 * controller it is the service's report merged over its processes (the route `jlive shadow
 * --service` reads), with each process's own figures beneath.
 */
export function ShadowReportView({ report, processes }) {
  if (!report) return null;
  return html`
    <div class="shadow" id="shadow-report">
      <h3>Shadow report ${report.id || ''}</h3>
      <table><tbody>${FIGURES.filter(([key]) => report[key] != null).map(([key, label]) =>
        html`<tr><th>${label}</th><td data-figure=${key}>${String(report[key])}</td></tr>`)}</tbody></table>
      <${Examples} examples=${report.examples} />
      <${PerProcess} processes=${processes} />
    </div>`;
}
