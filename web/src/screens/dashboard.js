// Dashboard screen: being written (see the issue); replaced by the real screen.
import { html } from '../lib.js';

export function Dashboard() {
  return html`<p>Dashboard</p>`;
}
