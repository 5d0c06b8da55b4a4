// The scopes of the registry (GET /api/registry): the regions tree, the industry chains and the
// enterprises with their lines, each linked to its dashboards.

import { t, el, initPage, Registry, nameOf, pageUrl, showError, setText } from './common.js';

initPage();
start();

async function start() {
  let registry;
  try {
    registry = await Registry.load();
  } catch (error) {
    showError(t('error.load', { reason: error.message }));
    return;
  }
  const filter = document.getElementById('filter');
  filter.addEventListener('input', renderEnterprises);
  document.addEventListener('om:lang', render);
  render();

  function render() {
    renderRegions();
    renderChains();
    renderEnterprises();
  }

  function links(scope, pages) {
    return el('span', { class: 'scope-links' }, pages.map(([page, key, extra]) => el('a', { href: pageUrl(page, scope, extra), text: t(key) })));
  }

  function renderRegions() {
    const branch = region => el('li', { dataset: { scope: `region:${region.id}` } },
      el('span', { class: 'scope-name', text: nameOf(region) }),
      links(`region:${region.id}`, [['wall.html', 'index.wall'], ['wall.html', 'index.kiosk', { kiosk: '1' }], ['alerts.html', 'index.alerts']]),
      registry.children(region.id).length ? el('ul', {}, registry.children(region.id).map(branch)) : null);
    document.getElementById('regions').replaceChildren(...registry.document.regions.filter(r => !r.parent || !registry.regions.has(r.parent)).map(branch));
  }

  function renderChains() {
    document.getElementById('chains').replaceChildren(...registry.document.chains.map(chain => el('li', { dataset: { scope: `chain:${chain.id}` } },
      el('span', { class: 'scope-name', text: nameOf(chain) }),
      links(`chain:${chain.id}`, [['wall.html', 'index.wall'], ['alerts.html', 'index.alerts']]))));
  }

  function renderEnterprises() {
    const needle = filter.value.trim().toLowerCase();
    const shown = registry.document.enterprises.filter(e => !needle
      || [e.id, e.name, e.nameEn, ...e.lines.flatMap(l => [l.id, l.name, l.nameEn])].some(text => text?.toLowerCase().includes(needle)));
    setText(document.getElementById('enterprise-count'), `(${shown.length})`);
    document.getElementById('enterprises').replaceChildren(...shown.map(enterprise => {
      const scope = `enterprise:${enterprise.id}`;
      const region = registry.regions.get(enterprise.region);
      const chain = registry.chains.get(enterprise.chain);
      return el('li', { dataset: { scope } },
        el('a', { class: 'scope-name', href: pageUrl('plant.html', scope), text: nameOf(enterprise) }),
        links(scope, [['alerts.html', 'index.alerts']]),
        el('div', { class: 'meta', text: [nameOf(region), nameOf(chain), t('index.lineCount', { n: enterprise.lines.length })].filter(Boolean).join(' · ') }),
        el('ul', {}, enterprise.lines.map(line => el('li', {},
          el('a', { href: pageUrl('line.html', `line:${enterprise.id}/${line.id}`), text: nameOf(line) }),
          ' ', el('span', { class: 'tag', text: t(`kind.${line.kind}`) })))));
    }));
  }
}
