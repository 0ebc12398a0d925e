import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { call } from '../api.js';

/** How long typing must pause before the selector is checked: one request per pause, not per key. */
const PAUSE_MILLIS = 250;

/**
 * Asks the server about the selector being typed: whether its class is loaded, what completes it,
 * and the refusal the agent would give. Answers null where the server has no check (the
 * controller's dashboard: agents take no requests from it), so the form falls back to the syntax.
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
    const timer = setTimeout(async () => {
      const answer = await call('GET', '/v1/services/' + encodeURIComponent(service)
        + '/selector?text=' + encodeURIComponent(text));
      if (current) setCheck(answer.ok && answer.json.text === text ? answer.json : null);
    }, PAUSE_MILLIS);
    return () => { current = false; clearTimeout(timer); };
  }, [service, selector]);
  return check;
}

/** The name a listed signature ("int price(int)", a constructor "Pricer(int)") is probed by. */
function methodName(signature) {
  const words = signature.split('(')[0].trim().split(' ');
  return words.length > 1 ? words[words.length - 1] : '<init>';
}

/** What the check found, under the field; a completion clicked fills the field. */
export function SelectorCheck({ check, onChoose }) {
  if (!check) return null;
  const className = check.text.split('#')[0];
  const refusal = check.refusal;
  return html`
    <div class="selector-check" id="selector-check" data-loaded=${String(check.loaded)}>
      ${check.loaded === true && html`<span class="loaded">${className} is loaded</span>`}
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
