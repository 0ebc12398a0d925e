// The live state: what the one server-sent event stream sent last, by topic. Pages read it, the
// stream replaces it and asks the app to redraw.

/** What the stream sent last, by topic; pages read it, the stream replaces it. */
export const live = { events: [] };
let redraw = () => {};
let stream = null;
let streamKey = null;
let signedOutHandler = () => {};
const EVENTS_KEPT = 500;

/**
 * The whole answer, or the last one with the diff's rows changed and removed, order kept. A diff
 * (LiveStream's TableDiff, for its table topics after the first whole answer) names the fields
 * that key its rows: their values joined by '/'.
 */
export function applyDiff(before, message) {
  if (!message || !message.diff || !Array.isArray(message.diff.key)) return message;
  const { field, key, changed, removed } = message.diff;
  const keyOf = (row) => key.map((name) => row[name]).join('/');
  const gone = new Set(removed);
  const fresh = new Map(changed.map((row) => [keyOf(row), row]));
  const rows = [];
  for (const row of (before && before[field]) || []) {
    const id = keyOf(row);
    if (gone.has(id)) continue;
    if (fresh.has(id)) {
      rows.push(fresh.get(id));
      fresh.delete(id);
    } else {
      rows.push(row);
    }
  }
  for (const row of fresh.values()) rows.push(row);
  return { ...message.rest, [field]: rows };
}

/**
 * What the browser tests measure: how long a stream message takes from arrival to the page drawn
 * (parse and render), and when the first process rows were drawn.
 */
export const stats = (window.jliveStats = { messages: 0, lastUpdateMillis: 0, maxUpdateMillis: 0, firstRowsAt: null, firstRowsCount: 0, bytes: 0 });
let pendingSince = null;

/** The app registers how to redraw and what to do when the session ends. */
export function onStream(redrawApp, signedOut) {
  redraw = redrawApp;
  signedOutHandler = signedOut;
}

/** Called once the page is drawn: counts how long the pending stream message took. */
export function measureDrawn() {
  if (pendingSince !== null) {
    stats.messages++;
    stats.lastUpdateMillis = performance.now() - pendingSince;
    stats.maxUpdateMillis = Math.max(stats.maxUpdateMillis, stats.lastUpdateMillis);
    pendingSince = null;
  }
}

export function closeStream() {
  if (stream) stream.close();
  stream = null;
  streamKey = null;
}

/** The stream's topics about the chosen service and change: forgotten when the choice changes. */
const SERVICE_TOPICS = ['processes', 'changes', 'states', 'approvals', 'metrics', 'status', 'history',
  'rollout', 'patch', 'shadow'];

export function openStream(service, change) {
  const key = (service || '') + '|' + (change || '');
  if (stream && streamKey === key) return;
  if (stream) stream.close();
  streamKey = key;
  for (const topic of SERVICE_TOPICS) {
    delete live[topic];
  }
  live.events = [];
  const query = new URLSearchParams();
  if (service) query.set('service', service);
  if (change) query.set('change', change);
  stream = new EventSource('/ui/stream?' + query);
  for (const topic of ['rights', 'clock', 'services', ...SERVICE_TOPICS]) {
    stream.addEventListener(topic, (message) => {
      if (pendingSince === null) pendingSince = performance.now();
      stats.bytes += message.data.length;
      const body = JSON.parse(message.data);
      live[topic] = applyDiff(live[topic], body);
      live.receivedAt = performance.now();
      redraw();
    });
  }
  stream.addEventListener('events', (message) => {
    const page = JSON.parse(message.data);
    if (page.events) {
      live.events = live.events.concat(page.events).slice(-EVENTS_KEPT);
    } else {
      live.eventsRefused = page;
    }
    redraw();
  });
  stream.addEventListener('signedOut', () => {
    closeStream();
    signedOutHandler();
  });
}
