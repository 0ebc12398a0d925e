import { html } from '../html.js';

const STEER = {
  pause: 'Pause',
  resume: 'Resume',
  promote: 'Promote',
  abort: 'Abort',
};

/** What a rollout in this status may be asked to do; the API still decides. */
function actionsFor(status) {
  if (status === 'running') return ['pause', 'promote', 'abort'];
  if (status === 'paused') return ['resume', 'promote', 'abort'];
  if (status === 'pending') return ['abort'];
  return [];
}

/** Whether the user's roles allow the action (the same rule as the API's Operation). */
function allowed(action, kind, rights) {
  if (action === 'promote') return rights.approve;
  return kind === 'probe' ? rights.probe : rights.patch;
}

function GateFigures({ verdict }) {
  if (!verdict) return html`<p class="hint">no gate judged yet</p>`;
  const results = verdict.results || [];
  return html`
    <p>gates: <strong data-outcome=${verdict.outcome}>${verdict.outcome}</strong></p>
    <table id="rollout-gates"><thead><tr><th>gate</th><th>canary</th><th>control</th><th>limit</th>
      <th>calls (canary / control)</th><th>explanation</th></tr></thead>
      <tbody>${results.map((r) => html`<tr data-gate=${r.gate}>
        <td><code>${r.gate}</code></td><td>${r.canary ?? '–'}</td><td>${r.control ?? '–'}</td>
        <td>${r.limit ?? '–'}</td><td>${r.canaryCalls} / ${r.controlCalls}</td>
        <td>${r.skipped ? 'skipped: ' : ''}${r.explanation}</td></tr>`)}</tbody></table>`;
}

/**
 * A staged rollout as the API reports it (GET /v1/services/{s}/rollouts/{id}): its waves with the
 * processes per state, the control group, the gates' figures (canary against control) and every
 * decision taken; buttons to steer it, each through a confirm step.
 */
export function RolloutView({ status, rights, service, ask }) {
  const rollout = status.rollout;
  const plan = rollout.plan || {};
  const path = (action) => '/v1/services/' + encodeURIComponent(service) + '/rollouts/'
    + encodeURIComponent(rollout.change) + '/' + action;
  const waveStates = status.waveStates || [];
  return html`
    <div class="rollout" id="rollout" data-status=${rollout.status}>
      <h3>Rollout of ${rollout.change}: <span class=${'state ' + rollout.status} id="rollout-status">${rollout.status}</span>
        ${rollout.step ? html` <span class="hint" id="rollout-step">(${rollout.step})</span>` : ''}</h3>
      <p class="hint">plan: ${plan.waveBy ? 'one wave per ' + plan.waveBy : 'waves ' + (plan.waves || []).join(', ')},
        bake ${Math.round((plan.bakeMillis || 0) / 1000)} s${(plan.gates || []).length ? ', gates ' + plan.gates.join('; ') : ''},
        at least ${plan.minCalls} calls</p>
      <div class="buttons">${actionsFor(rollout.status).filter((a) => allowed(a, rollout.kind, rights)).map((a) => html`
        <button data-rollout-action=${a} class=${a === 'abort' ? 'danger' : ''}
          onClick=${() => ask(STEER[a], STEER[a] + ' the rollout of ' + rollout.change + ' on ' + service + '?', 'POST', path(a), {})}>${a}</button> `)}</div>
      <table id="rollout-waves"><thead><tr><th>wave</th><th>of</th><th>processes</th><th>states</th><th>reached</th></tr></thead>
        <tbody>${(rollout.waves || []).map((wave, i) => html`<tr data-wave=${wave.number}>
          <td>${wave.number}</td>
          <td>${wave.value != null ? plan.waveBy + '=' + wave.value : (plan.waves || [])[wave.number - 1] || ''}</td>
          <td>${(wave.processes || []).length}</td>
          <td>${Object.entries(waveStates[i] || {}).map(([state, n]) => html`<span class=${'state ' + state}>${n} ${state}</span> `)}</td>
          <td>${wave.reachedAt || ''}</td></tr>`)}</tbody></table>
      <p>control group (not reached): <span id="rollout-control">${status.control}</span> process(es)</p>
      <${GateFigures} verdict=${rollout.verdict} />
      <h4>History</h4>
      <table id="rollout-history"><thead><tr><th>at</th><th>wave</th><th>decision</th><th>by</th><th>detail</th></tr></thead>
        <tbody>${(rollout.history || []).map((d) => html`<tr>
          <td>${d.at}</td><td>${d.wave || ''}</td><td>${d.decision}</td><td>${d.by || ''}</td>
          <td>${d.detail || ''}</td></tr>`)}</tbody></table>
    </div>`;
}
