import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { call, refusal } from '../api.js';
import { link } from '../route.js';
import { SelectorCheck, useSelectorCheck } from './selector-check.js';

/** The form that proposes a probe on a service, then opens its chart. */
export function AddProbe({ service }) {
  const [selector, setSelector] = useState('');
  const [kind, setKind] = useState('metrics');
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  const looksRight = /^[\w$.]+#[\w$<>*]+(\(.*\))?$/.test(selector);
  const check = useSelectorCheck(service, selector);
  // A selector the agent would refuse is not sent; where nothing checks it, its form must do.
  const refused = check !== null && check.refusal !== null && check.text === selector.trim();
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
      <button id="probe-add" disabled=${!looksRight || refused}>add probe</button>
      <span class="hint">${selector && !looksRight ? 'a selector is Class#method, e.g. com.example.Shop#price' : ''}</span>
      <${SelectorCheck} check=${check} onChoose=${setSelector} />
      ${message && html`<p class="note">${message}</p>`}
      ${error && html`<p class="refused" id="probe-refusal">${error}</p>`}
    </form>`;
}
