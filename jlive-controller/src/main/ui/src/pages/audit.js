import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { call, refusal } from '../api.js';

export function AuditPage() {
  const [filter, setFilter] = useState('');
  const [answer, setAnswer] = useState(null);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      const result = await call('GET', '/v1/audit?limit=500');
      if (!stop) setAnswer(result);
    };
    load();
    const timer = setInterval(load, 3000);
    return () => { stop = true; clearInterval(timer); };
  }, []);
  if (!answer) return html`<section><h2>Audit</h2><p>loading…</p></section>`;
  if (!answer.ok) return html`<section><h2>Audit</h2><p class="refused" data-refused>${refusal(answer.json)}</p></section>`;
  const records = (answer.json.records || []).slice().reverse()
    .filter((r) => !filter || JSON.stringify(r).toLowerCase().includes(filter.toLowerCase()));
  return html`
    <section>
      <h2>Audit</h2>
      <input id="audit-filter" placeholder="filter: user, service, action…" value=${filter}
             onInput=${(e) => setFilter(e.currentTarget.value)} />
      <table id="audit"><thead><tr><th>#</th><th>time</th><th>user</th><th>role</th><th>from</th>
        <th>operation</th><th>service</th><th>change</th><th>result</th><th>detail</th></tr></thead>
        <tbody>${records.slice(0, 300).map((r) => html`<tr data-seq=${r.seq}>
          <td>${r.seq}</td><td>${r.time}</td><td>${r.user}</td><td>${r.role}</td><td>${r.from}</td>
          <td>${r.operation}</td><td>${r.service}</td><td>${r.change}</td>
          <td>${r.result} ${r.status}</td><td>${r.detail}</td></tr>`)}</tbody></table>
    </section>`;
}
