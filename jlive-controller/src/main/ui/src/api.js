// The dashboard's calls: the controller's API under /v1 with the session cookie, and the CSRF
// token in a header on every call that changes something.
let csrf = null;

export function setCsrf(token) {
  csrf = token;
}

export async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET' && csrf) headers['X-JLive-CSRF'] = csrf;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (unreachable) {
    return { ok: false, status: 0, json: { error: { message: 'the dashboard cannot be reached: ' + unreachable } } };
  }
  let json = null;
  try {
    json = await response.json();
  } catch (notJson) {
    json = { error: { message: 'the controller answered ' + response.status } };
  }
  return { ok: response.ok, status: response.status, json };
}

/** The API's error as one line: what was wrong, and what to do. */
export function refusal(json) {
  const error = json && (json.error || (json.refused && json.refused.error));
  if (!error) return 'refused';
  return (error.message || error.code || 'refused') + (error.hint ? ' (' + error.hint + ')' : '');
}

/**
 * Which dashboard this is: 'controller', or 'process' for `jlive ui PID` (one JVM, signed in by a
 * one-time link; no services list, approvals or audit).
 */
export async function fetchMode() {
  const answer = await call('GET', '/ui/mode');
  return answer.ok && answer.json.mode === 'process' ? 'process' : 'controller';
}
