import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { call, refusal } from '../api.js';

/** A confirm step in the page (not a browser dialog): what will happen, then yes or no. */
export function Confirm({ action, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const go = async () => {
    setBusy(true);
    const answer = await call(action.method, action.path, action.body);
    setBusy(false);
    if (answer.ok) {
      const json = answer.json || {};
      const state = json.change ? json.change.state : json.rollout ? json.rollout.status : 'ok';
      onDone(action.label + ' done: ' + state);
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
