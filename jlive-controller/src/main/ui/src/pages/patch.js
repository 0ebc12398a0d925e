import { html } from '../html.js';
import { live } from '../live.js';
import { link } from '../route.js';
import { DiffText, className, declaredMethods } from '../components/source-diff.js';
import { ShadowReportView } from '../components/shadow-report.js';

/**
 * A class no earlier active patch changed: the controller's diff shows it as new, since the
 * deployed build's own source was never sent to it. The page says so and lists the methods the
 * patch brings, each replacing the method of the same signature.
 */
function UnknownBefore({ source }) {
  return html`
    <div class="source-change" data-class=${className(source)}>
      <p class="hint" id="old-source-unknown">${className(source)}: the old source is not known (no earlier
        active patch changes this class, and the controller never held the deployed build's source).
        The methods of the patch, each replacing the method of the same signature:</p>
      <ul class="methods" id="replaced-methods">${declaredMethods(source.code).map((m) => html`<li><code>${m}</code></li>`)}</ul>
    </div>`;
}

export function PatchPage({ service, change }) {
  const changes = (live.changes && live.changes.changes) || [];
  const c = changes.find((x) => x.id === change);
  const waiting = ((live.approvals && live.approvals.waiting) || []).find((w) => w.change.id === change);
  const patch = live.patch && live.patch.change === change ? live.patch : null;
  if (!c) return html`<section><h2>Patch ${change}</h2><p>Loading, or no such change in ${service}.</p></section>`;
  const changeSpec = (patch && patch.spec) || c.spec || {};
  // A shadow's spec holds the candidate patch it runs beside the code.
  const spec = c.kind === 'shadow' ? changeSpec.patch || {} : changeSpec;
  const shadow = live.shadow && live.shadow.id === change ? live.shadow : null;
  const diff = (waiting && waiting.diff) || (patch && patch.diff);
  const unknown = (spec.sources || []).filter((s) => diff && diff.includes('new: no active patch changes ' + className(s) + '\n'));
  return html`
    <section>
      <h2>Patch ${change} of ${service} <span class=${'state ' + c.state}>${c.state}</span></h2>
      <p>by ${c.author}; replaces ${spec.method ? html`<code id="patch-method">${spec.method}</code>` : 'the methods of the classes below'}
        ${(spec.also || []).length ? ' (quiescence also over ' + spec.also.join(', ') + ')' : ''}</p>
      ${waiting
        ? html`<h3>Diff against what runs (waiting for ${waiting.missing} more approval${waiting.missing === 1 ? '' : 's'})</h3>`
        : html`<h3>Diff against what ran before it</h3>`}
      ${unknown.map((s) => html`<${UnknownBefore} source=${s} />`)}
      ${diff ? html`<${DiffText} text=${diff} />` : html`<p>loading…</p>`}
      ${c.kind === 'shadow' && !(shadow && shadow.merged) ? html`<p class="hint" id="shadow-waiting">no process has reported this shadow yet</p>` : null}
      <${ShadowReportView} report=${shadow && shadow.merged} processes=${shadow && shadow.processes} />
      <p><a href=${link('changes', service, change)}>state on each process</a></p>
    </section>`;
}
