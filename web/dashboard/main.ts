// The dashboard's single page: a hash router over the four pages and the navigation bar.

import { agentsPage } from './agents-page.js';
import { h, show } from './dom.js';
import { stopListening } from './live.js';
import { metricsPage } from './metrics-page.js';
import { runPage } from './run-page.js';
import { runsPage } from './runs-page.js';

const PAGES = [
  ['#/runs', 'Runs'],
  ['#/metrics', 'Metrics'],
  ['#/agents', 'Agents'],
] as const;

function route(): void {
  const root = document.getElementById('page') as HTMLElement;
  const hash = location.hash === '' ? '#/runs' : location.hash;
  stopListening();
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', hash.startsWith(link.getAttribute('href') ?? '\0'));
  const run = /^#\/runs\/(.+)$/.exec(hash);
  if (run?.[1] !== undefined) runPage(root, decodeURIComponent(run[1]));
  else if (hash === '#/metrics') metricsPage(root);
  else if (hash === '#/agents') agentsPage(root);
  else runsPage(root);
}

show(document.getElementById('nav') as HTMLElement, h('strong', {}, 'tapps-agents'), PAGES.map(([href, label]) => h('a', { href }, label)));
window.addEventListener('hashchange', route);
route();
