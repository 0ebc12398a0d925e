import { html } from '../html.js';
import { live } from '../live.js';
import { link } from '../route.js';

export function PatchPage({ service, change }) {
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
