import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { call } from '../api.js';

/** How long typing must pause before the selector is checked: one request per pause, not per key. */
const PAUSE_MILLIS = 250;

/** How often, and how long after, a check that some process did not answer is asked again. */
const RETRIES = 3;
const RETRY_MILLIS = 2000;

/**
 * Asks the server about the selector being typed: whether its class is loaded, what completes it,
 * and the refusal the agent would give. On the controller the service's processes answer (over
 * their long polls), and the answer says how many; where none can (older agents) it says the
 * check was of the syntax only.
 */
export function useSelectorCheck(service, selector) {
  const [check, setCheck] = useState(null);
  useEffect(() => {
    const text = selector.trim();
    if (!service || !text) {
      setCheck(null);
      return undefined;
    }
    let current = true;
    let timer;
    const ask = async (retries) => {
      const answer = await call('GET', '/v1/services/' + encodeURIComponent(service)
        + '/selector?text=' + encodeURIComponent(text));
      if (!current) return;
      setCheck(answer.ok && answer.json.text === text ? answer.json : null);
      // A process asked that did not answer in time (busy applying a patch) is asked again.
      const p = answer.ok && answer.json.processes;
      if (p && p.answered < p.asked && retries > 0) timer = setTimeout(() => ask(retries - 1), RETRY_MILLIS);
    };
    timer = setTimeout(() => ask(RETRIES), PAUSE_MILLIS);
    return () => { current = false; clearTimeout(timer); };
  }, [service, selector]);
  return check;
}

/** The name a listed signature ("int price(int)", a constructor "Pricer(int)") is probed by. */
function methodName(signature) {
  const words = signature.split('(')[0].trim().split(' ');
  return words.length > 1 ? words[words.length - 1] : '<init>';
}

/** "in 2 of 2 processes", and how many did not answer; empty for one process (jlive ui PID). */
function where(processes) {
  if (!processes) return '';
  const silent = processes.live - processes.answered;
  return ' in ' + processes.loadedIn + ' of ' + processes.answered + ' process' + (processes.answered === 1 ? '' : 'es')
    + (silent > 0 ? ' (' + silent + ' did not answer: an older agent, busy, or connected to another controller)' : '');
}

/** What the check found, under the field; a completion clicked fills the field. */
export function SelectorCheck({ check, onChoose }) {
  if (!check) return null;
  if (check.syntaxOnly) {
    return html`<div class="selector-check" id="selector-check" data-loaded="unknown">
      <span class="hint" id="selector-syntax-only">checked the syntax only: no process of this service
        answered (their agents are older than this controller, or none is connected to it)</span></div>`;
  }
  const className = check.text.split('#')[0];
  const refusal = check.refusal;
  return html`
    <div class="selector-check" id="selector-check" data-loaded=${String(check.loaded)}>
      ${check.loaded === true && html`<span class="loaded">${className} is loaded${where(check.processes)}</span>`}
      ${check.loaded === false && html`<span class="stale">${className} is not loaded</span>`}
      ${check.methods.length > 0 && html`
        <ul class="completions" id="selector-methods">${check.methods.map((m) => html`
          <li><button type="button" class="link" onClick=${() => onChoose(className + '#' + methodName(m))}>${m}</button></li>`)}</ul>`}
      ${!check.text.includes('#') && check.classes.length > 0 && html`
        <ul class="completions" id="selector-classes">${check.classes.map((c) => html`
          <li><button type="button" class="link" onClick=${() => onChoose(c + '#')}>${c}</button></li>`)}</ul>`}
      ${refusal && html`<p class="refused" id="selector-refusal">${refusal.message}${refusal.hint ? ' (' + refusal.hint + ')' : ''}</p>`}
    </div>`;
}
