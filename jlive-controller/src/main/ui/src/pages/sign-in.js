import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { call, refusal } from '../api.js';

export function SignIn({ onSignedIn }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const answer = await call('POST', '/ui/session', { token });
    if (answer.ok) onSignedIn(answer.json);
    else setError(refusal(answer.json));
  };
  return html`
    <form class="sign-in" id="sign-in" onSubmit=${submit}>
      <h1>jlive</h1>
      <p>Sign in with your user token (<code>jlive controller users add</code> makes one).</p>
      <input id="token" type="password" autocomplete="off" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
      <button id="sign-in-button">Sign in</button>
      ${error && html`<p class="refused" id="sign-in-error">${error}</p>`}
    </form>`;
}
