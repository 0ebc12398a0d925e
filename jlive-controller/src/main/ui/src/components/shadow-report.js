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

/**
 * A shadow run's report, in ShadowReport's wire form: the calls compared and how many agreed, the
 * differences expected and not with an example each, and the two bodies' mean latency. It takes
 * the report object, wherever it came from (one process's /v1/shadows today; the controller's
 * fleet-wide report for a service once it serves one).
 */
export function ShadowReportView({ report }) {
  if (!report) return null;
  return html`
    <div class="shadow" id="shadow-report">
      <h3>Shadow report ${report.id || ''}</h3>
      <table><tbody>${FIGURES.filter(([key]) => report[key] != null).map(([key, label]) =>
        html`<tr><th>${label}</th><td data-figure=${key}>${String(report[key])}</td></tr>`)}</tbody></table>
      <${Examples} examples=${report.examples} />
    </div>`;
}
