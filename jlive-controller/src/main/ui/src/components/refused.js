import { html } from '../html.js';
import { refusal } from '../api.js';

/** A topic the API refused (the role lacks the right): its refusal in one line. */
export function Refused({ topic }) {
  return topic && topic.refused
    ? html`<p class="refused" data-refused>${refusal(topic)}</p>`
    : null;
}
