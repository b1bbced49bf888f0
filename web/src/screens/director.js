// Director screen: being written (see the issue); replaced by the real screen.
import { html } from '../lib.js';

export function Director() {
  return html`<p>Director</p>`;
}
