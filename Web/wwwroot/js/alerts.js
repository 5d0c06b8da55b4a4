// Alerts page: alerts.html?scope={any scope}. The open alerts in and below the scope
// (GET /api/alerts?status=open), newest first, kept current by the hub's `alert` messages; each
// shows its status (who acknowledged it and when) and an active one an acknowledge button.

import {
  t, el, setText, initPage, scopeParam, loadRegistry, LiveFeed, scopeFailed, OpenAlerts, nameOf, pageUrl, parseScope,
  fmtDateTime, fmtNumber, alertLabels, alertItemProps, ackButton, initAckControls, mayAcknowledge, DEFAULT_TIME_ZONE,
} from './common.js';

initPage();
initAckControls();
document.getElementById('action-column').hidden = !mayAcknowledge();
const target = scopeParam(['region', 'chain', 'enterprise', 'line'], 'alerts.html?scope=region:henan');
if (target) start(target);

async function start(target) {
  const registry = await loadRegistry();
  const timeZone = registry?.timeZone(target.scope) ?? DEFAULT_TIME_ZONE;
  let snapshot = null;
  let list = [];
  const seen = new Set();
  let firstLoad = true;

  const alerts = new OpenAlerts(target.scope, next => { list = next; render(); });
  const live = new LiveFeed({
    timeZone,
    onSnapshot: s => { if (s.scope === target.scope) { snapshot = s; renderTitle(); } },
    onAlert: alert => alerts.apply(alert),
    onScopeError: (scope, error) => scopeFailed(scope, error.message),
  });
  if (!(await live.open(target.scope))) return;
  live.start();
  await alerts.load();
  document.addEventListener('om:lang', () => { renderTitle(); render(); });

  function renderTitle() {
    const name = registry?.name(target.scope) ?? nameOf(snapshot);
    setText(document.getElementById('title'), `${name} · ${t('alerts.title')}`);
    document.title = `${name} · ${t('alerts.title')} · OutputMonitor`;
    const link = document.getElementById('scope-link');
    const page = { region: 'wall.html', chain: 'wall.html', enterprise: 'plant.html', line: 'line.html' }[target.kind];
    link.setAttribute('href', pageUrl(page, target.scope));
    link.textContent = t({ region: 'nav.wall', chain: 'nav.wall', enterprise: 'nav.plant', line: 'nav.plant' }[target.kind]);
    link.hidden = false;
  }

  function scopeLink(scope) {
    const parsed = parseScope(scope);
    const href = parsed?.kind === 'line' ? pageUrl('line.html', scope) : parsed?.kind === 'enterprise' ? pageUrl('plant.html', scope) : null;
    const text = registry?.name(scope) ?? scope;
    return href ? el('a', { href, text }) : el('span', { text });
  }

  function details(alert) {
    const entries = Object.entries(alert.details ?? {});
    if (!entries.length) return null;
    return el('div', { class: 'count', text: entries.map(([k, v]) => `${k} ${typeof v === 'number' ? fmtNumber(v, 2) : v}`).join(' · ') });
  }

  function render() {
    const table = document.getElementById('alert-table');
    const empty = document.getElementById('alert-empty');
    setText(document.getElementById('alert-count'), alerts.available ? `(${list.length})` : '');
    table.hidden = list.length === 0;
    empty.hidden = list.length !== 0;
    setText(empty, alerts.available ? t('alerts.empty') : t('alerts.unavailable'));
    document.getElementById('alert-rows').replaceChildren(...list.map(alert => {
      const labels = alertLabels(alert, timeZone);
      const row = el('tr', alertItemProps(alerts, alert),
        el('td', { text: labels.severity }),
        el('td', { text: labels.kind }),
        el('td', {}, scopeLink(alert.scope)),
        el('td', {}, alert.message, details(alert)),
        el('td', {}, el('time', { datetime: alert.raisedAt, text: fmtDateTime(alert.raisedAt, timeZone) })),
        el('td', { class: 'alert-status', text: labels.status }),
        mayAcknowledge() ? el('td', { class: 'alert-action' }, ackButton(alerts, alert)) : null);
      if (!firstLoad && !seen.has(alert.id)) row.classList.add('is-new');
      seen.add(alert.id);
      return row;
    }));
    firstLoad = false;
  }
}
