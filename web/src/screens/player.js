// Player screen: being written (see the issue); replaced by the real screen.
import { html } from '../lib.js';

export function Player() {
  return html`<p>Player</p>`;
}
