import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { live } from '../live.js';
import { link } from '../route.js';
import { Refused } from '../components/refused.js';
import { Windowed } from '../components/windowed.js';
import { Confirm } from '../components/confirm.js';
import { RolloutView } from '../components/rollout.js';

export function ChangesPage({ service, change }) {
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
      ${change && live.rollout && live.rollout.rollout && live.rollout.rollout.change === change && html`
        <${RolloutView} status=${live.rollout} rights=${rights} service=${service} ask=${ask} />`}
      ${change && html`
        <h3>${change} on each process</h3>
        <${Refused} topic=${live.status} />
        <${Windowed} id="results" rows=${results} height=${300} header=${html`
          <span class="w-id">process</span><span>host</span><span class="w-n">pid</span><span>state</span><span class="w-wide">message</span>`}
          row=${(r) => html`<span class="w-id">${r.process}</span><span>${r.host}</span><span class="w-n">${r.pid}</span>
            <span class=${'state ' + r.state} data-result-state=${r.state}>${r.state}</span><span class="w-wide">${r.message || ''}</span>`} />`}
    </section>`;
}
