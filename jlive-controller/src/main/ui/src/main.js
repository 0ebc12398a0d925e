// The jlive dashboard: pages over the controller's API, kept live by one server-sent event stream.
import { render } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { call, fetchMode, setCsrf } from './api.js';
import { closeStream, live, measureDrawn, onStream, openStream } from './live.js';
import { link, parseRoute } from './route.js';
import { Refused } from './components/refused.js';
import { SignIn } from './pages/sign-in.js';
import { ServicesPage } from './pages/services.js';
import { ChangesPage } from './pages/changes.js';
import { ProbePage } from './pages/probes.js';
import { PatchPage } from './pages/patch.js';
import { AuditPage } from './pages/audit.js';

function App() {
  const [, setVersion] = useState(0);
  const [session, setSession] = useState(undefined);
  const [mode, setMode] = useState(undefined);
  const oneProcess = mode === 'process';
  const [route, setRoute] = useState(parseRoute());
  useLayoutEffect(measureDrawn);
  useEffect(() => {
    onStream(() => setVersion((v) => v + 1), () => setSession(null));
    window.addEventListener('hashchange', () => setRoute(parseRoute()));
    fetchMode().then(setMode);
    call('GET', '/ui/session').then((answer) => {
      if (answer.ok) setCsrf(answer.json.csrf);
      setSession(answer.ok ? answer.json : null);
    });
  }, []);
  const services = (live.services && live.services.services) || [];
  const service = route.service || (services[0] && services[0].name) || null;
  const change = route.page === 'probe' || route.page === 'patch' || route.page === 'changes' ? route.change : null;
  useEffect(() => {
    if (session) openStream(service, change);
  }, [session, service, change]);
  if (session === undefined || mode === undefined) return html`<p>loading…</p>`;
  if (session === null && oneProcess) {
    return html`<div class="sign-in" id="open-link"><h1>jlive</h1>
      <p>These pages of one JVM sign in through the one-time link <code>jlive ui PID</code> printed;
        it works once. Run <code>jlive ui PID</code> again for a new link.</p></div>`;
  }
  if (session === null) {
    return html`<${SignIn} onSignedIn=${(s) => { setCsrf(s.csrf); setSession(s); }} />`;
  }
  const signOut = async () => {
    await call('DELETE', '/ui/session');
    closeStream();
    setSession(null);
  };
  const tab = (page, label) => html`<a href=${link(page, service)} id=${'tab-' + page}
      class=${route.page === page ? 'chosen' : ''}>${label}</a>`;
  const pages = {
    services: () => html`<${ServicesPage} service=${service} />`,
    changes: () => html`<${ChangesPage} service=${service} change=${change} />`,
    probe: () => html`<${ProbePage} service=${service} change=${change} />`,
    patch: () => html`<${PatchPage} service=${service} change=${change} />`,
    audit: () => html`<${AuditPage} />`,
  };
  if (oneProcess) {
    // One JVM (`jlive ui PID`): no other services, no audit log, and no sign-out (the link was
    // the only way in).
    delete pages.audit;
  }
  return html`
    <header>
      <strong>jlive</strong>
      <nav>${tab('services', oneProcess ? 'Process' : 'Services')} ${tab('changes', 'Changes')} ${tab('probe', 'Probes')} ${!oneProcess && tab('audit', 'Audit')}</nav>
      <span class="user" id="user">${session.user} (${(live.rights && live.rights.grants) || session.grants})</span>
      ${!oneProcess && html`<button id="sign-out" onClick=${signOut}>Sign out</button>`}
    </header>
    ${oneProcess
      ? html`<aside id="one-process">
          <h3>One JVM</h3>
          <p>${service}</p>
          <span class="count">served by <code>jlive ui</code>, without a controller</span>
        </aside>`
      : html`<aside>
      <h3>Services</h3>
      <${Refused} topic=${live.services} />
      <ul id="services">${services.map((s) => html`
        <li class=${s.name === service ? 'chosen' : ''} data-service=${s.name}>
          <a href=${link(route.page === 'audit' ? 'services' : route.page, s.name)}>${s.name}</a>
          <span class="count">${s.processes} proc, ${s.activeChanges} active</span></li>`)}</ul>
    </aside>`}
    <main>${(pages[route.page] || pages.services)()}</main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
