import { useState } from 'preact/hooks';
import { html } from '../html.js';

/** Only the rows in view are drawn, so a table of thousands of processes scrolls smoothly. */
export function Windowed({ rows, rowHeight = 26, height = 420, header, row, id }) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const count = Math.ceil(height / rowHeight) + 10;
  const shown = rows.slice(first, first + count);
  return html`
    <div class="windowed" id=${id} data-rows=${rows.length}
         style=${'height:' + Math.min(height, rows.length * rowHeight + rowHeight + 2) + 'px'}
         onScroll=${(e) => setTop(e.currentTarget.scrollTop)}>
      <div class="row head" style=${'height:' + rowHeight + 'px'}>${header}</div>
      <div style=${'position:relative;height:' + rows.length * rowHeight + 'px'}>
        ${shown.map((item, i) => html`
          <div class="row" key=${first + i}
               style=${'position:absolute;left:0;right:0;height:' + rowHeight + 'px;top:' + (first + i) * rowHeight + 'px'}>
            ${row(item)}
          </div>`)}
      </div>
    </div>`;
}
