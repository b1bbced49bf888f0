// Overview screen: being written (see the issue); replaced by the real screen.
import { html } from '../lib.js';

export function Overview() {
  return html`<p>Overview</p>`;
}
