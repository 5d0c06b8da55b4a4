// Shared by every dashboard page: query parameters, i18n, number/time formatting in the scope's
// time zone, HTTP helpers, the registry index and the live SignalR connection with its
// "live / stale since …" indicator. Pages import from here; no helper is written twice.

export const params = new URLSearchParams(location.search);

// ---------------------------------------------------------------------------------------------
// i18n: zh-CN by default, English with ?lang=en or the toggle (remembered in localStorage).

const LANG_KEY = 'om.lang';

const strings = {
  zh: {
    'app.title': '产出监测',
    'nav.alerts': '告警',
    'nav.plant': '工厂视图',
    'nav.wall': '大屏',
    'lang.toggle': 'English',
    'lang.toggleTitle': '切换到英文',
    'live.live': '实时',
    'live.connecting': '连接中…',
    'live.stale': '数据停滞 · 自 {time}',
    'live.staleNever': '数据停滞 · 尚无数据',
    'live.reasonDisconnected': '与服务器的连接已断开，正在重连',
    'live.reasonQuiet': '超过 {seconds} 秒未收到新数据',
    'error.noScope': '缺少 scope 参数，例如 {example}',
    'error.badScope': '无法打开 {scope}：{reason}',
    'error.load': '加载失败：{reason}',
    'state.running': '运行',
    'state.idle': '待机',
    'state.down': '停机',
    'state.maintenance': '维护',
    'state.unknown': '未知',
    'kind.production': '生产线',
    'kind.shipment': '装运线',
    'fig.value': '今日产值',
    'fig.lineValue': '产值',
    'fig.good': '合格品',
    'fig.scrap': '废品',
    'fig.scrapRate': '废品率',
    'fig.tons': '装运量',
    'fig.plan': '计划',
    'fig.pace': '应达进度',
    'fig.rate': '速率',
    'fig.oee': 'OEE',
    'fig.availability': '可用率',
    'fig.performance': '性能',
    'fig.quality': '质量',
    'fig.alerts': '活跃告警',
    'fig.deadLetters': '拒收消息',
    'fig.deadLettersTitle': '最近被拒收的遥测消息（死信）',
    'fig.lastSeen': '最近数据',
    'fig.since': '自 {time}',
    'fig.for': '已持续 {duration}',
    'fig.seqGaps': '序号缺口',
    'fig.duplicates': '重复消息',
    'fig.noPlan': '无计划',
    'fig.trend': '近 3 小时',
    'unit.pcs': '件',
    'unit.t': '吨',
    'unit.perHour': '/小时',
    'plant.lines': '产线与装运线',
    'plant.alerts': '未关闭的告警',
    'plant.noAlerts': '无未关闭的告警',
    'line.history': '历史',
    'line.step.1m': '分钟',
    'line.step.1h': '小时',
    'line.step.1d': '天',
    'line.cumulative': '累计（计划日内）与计划进度',
    'line.cumulativeRange': '累计与计划进度',
    'line.perBucket': '每{step}产出与计划速率',
    'line.actual': '实际',
    'line.planPace': '计划进度',
    'line.planRate': '计划速率',
    'line.states': '今日状态',
    'line.stateUnknown': '无状态数据',
    'line.currentState': '当前 {state}，自 {time}（{duration}）',
    'line.sensors': '传感器',
    'line.noSensors': '暂无传感器数据',
    'line.sensor': '名称',
    'line.sensorValue': '当前值',
    'line.sensorTrend': '打开页面以来',
    'line.noData': '该时段无数据',
    'wall.valueToday': '今日产值',
    'wall.valuePlan': '计划 {plan} · 完成 {pct}',
    'wall.tonsToday': '今日装运',
    'wall.tonsPlan': '计划 {plan} · 完成 {pct}',
    'wall.chainYtd': '{chain} · 年累计',
    'wall.chainYtdPlan': '年计划 {plan} · 完成 {pct} · 按时 {pace}',
    'wall.alerts': '活跃告警',
    'wall.byCity': '各地区今日产值',
    'wall.byChain': '各产业链今日产值',
    'wall.top': '重点企业今日产值',
    'wall.stages': '{chain}各环节 · 年累计',
    'wall.stageToday': '今日 {value}',
    'wall.noStages': '本范围内没有装运计划',
    'wall.ofPlanValue': '完成 {pct}',
    'wall.ticker': '告警',
    'wall.noAlerts': '当前无告警',
    'wall.tab.stages': '供应链各环节 · 年累计',
    'alerts.title': '告警',
    'alerts.open': '未关闭的告警',
    'alerts.empty': '当前没有未关闭的告警',
    'alerts.unavailable': '告警接口暂不可用',
    'alerts.severity': '级别',
    'alerts.kind': '类型',
    'alerts.scope': '对象',
    'alerts.message': '内容',
    'alerts.raisedAt': '发生时间',
    'alerts.status': '状态',
    'alerts.action': '操作',
    'severity.critical': '严重',
    'severity.warning': '警告',
    'severity.info': '提示',
    'status.active': '活跃',
    'status.acknowledged': '已确认',
    'status.cleared': '已解除',
    'status.acknowledgedBy': '已确认 · {by} · {time}',
    'ack.button': '确认',
    'ack.busy': '确认中…',
    'ack.buttonTitle': '确认此告警：记录确认人和时间',
    'ack.name': '确认人',
    'ack.namePlaceholder': '你的名字（可选）',
    'ack.nameTitle': '确认告警时记录的名字，保存在本浏览器中；不填则记为匿名',
    'ack.anonymous': '匿名',
    'ack.cleared': '告警已解除，无需确认：{detail}',
    'ack.unknown': '告警不存在：{detail}',
    'ack.failed': '确认失败：{detail}',
    'ack.dismiss': '关闭',
    'alertKind.shipment_shortfall': '装运不足',
    'alertKind.output_shortfall': '产出不足',
    'alertKind.stale': '数据中断',
    'alertKind.down': '停机',
    'index.regions': '地区',
    'index.chains': '产业链',
    'index.enterprises': '企业',
    'index.wall': '大屏',
    'index.kiosk': '大屏（展示模式）',
    'index.alerts': '告警',
    'index.filter': '筛选企业…',
    'index.lineCount': '{n} 条线',
    'index.intro': '选择一个范围打开看板。每个看板只显示它打开的范围。',
    'login.title': '登录',
    'login.heading': '登录产出监测',
    'login.intro': '使用管理员为你配置的用户名和密码登录。',
    'login.name': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.busy': '登录中…',
    'login.invalid': '用户名或密码不正确。',
    'login.throttled': '尝试次数过多，请 {seconds} 秒后再试。',
    'login.throttledLater': '尝试次数过多，请稍后再试。',
    'login.failed': '登录失败：{reason}',
    'account.signedInTitle': '已登录：{name}（{role}）',
    'account.signOut': '退出',
    'account.signOutTitle': '退出登录',
    'account.signIn': '登录',
    'role.viewer': '查看者',
    'role.manager': '经理',
    'role.admin': '管理员',
    'duration.d': '{n}天',
    'duration.h': '{n}小时',
    'duration.m': '{n}分',
    'duration.s': '{n}秒',
  },
  en: {
    'app.title': 'OutputMonitor',
    'nav.alerts': 'Alerts',
    'nav.plant': 'Plant view',
    'nav.wall': 'Wall display',
    'lang.toggle': '中文',
    'lang.toggleTitle': 'Switch to Chinese',
    'live.live': 'Live',
    'live.connecting': 'Connecting…',
    'live.stale': 'Stale since {time}',
    'live.staleNever': 'Stale · no data yet',
    'live.reasonDisconnected': 'Disconnected from the server; reconnecting',
    'live.reasonQuiet': 'No new data for more than {seconds} s',
    'error.noScope': 'No scope given, e.g. {example}',
    'error.badScope': 'Cannot open {scope}: {reason}',
    'error.load': 'Loading failed: {reason}',
    'state.running': 'Running',
    'state.idle': 'Idle',
    'state.down': 'Down',
    'state.maintenance': 'Maintenance',
    'state.unknown': 'Unknown',
    'kind.production': 'Production line',
    'kind.shipment': 'Shipment line',
    'fig.value': 'Output value today',
    'fig.lineValue': 'Value',
    'fig.good': 'Good',
    'fig.scrap': 'Scrap',
    'fig.scrapRate': 'Scrap rate',
    'fig.tons': 'Shipped',
    'fig.plan': 'Plan',
    'fig.pace': 'Expected by now',
    'fig.rate': 'Rate',
    'fig.oee': 'OEE',
    'fig.availability': 'Availability',
    'fig.performance': 'Performance',
    'fig.quality': 'Quality',
    'fig.alerts': 'Active alerts',
    'fig.deadLetters': 'Rejected messages',
    'fig.deadLettersTitle': 'Newest rejected telemetry messages (dead letters)',
    'fig.lastSeen': 'Last data',
    'fig.since': 'since {time}',
    'fig.for': 'for {duration}',
    'fig.seqGaps': 'Sequence gaps',
    'fig.duplicates': 'Duplicates',
    'fig.noPlan': 'No plan',
    'fig.trend': 'Last 3 hours',
    'unit.pcs': 'units',
    'unit.t': 't',
    'unit.perHour': '/h',
    'plant.lines': 'Production and shipment lines',
    'plant.alerts': 'Open alerts',
    'plant.noAlerts': 'No open alerts',
    'line.history': 'History',
    'line.step.1m': 'Minute',
    'line.step.1h': 'Hour',
    'line.step.1d': 'Day',
    'line.cumulative': 'Cumulative in the plant day against plan pace',
    'line.cumulativeRange': 'Cumulative against plan pace',
    'line.perBucket': 'Output per {step} against plan rate',
    'line.actual': 'Actual',
    'line.planPace': 'Plan pace',
    'line.planRate': 'Plan rate',
    'line.states': 'States today',
    'line.stateUnknown': 'No state data',
    'line.currentState': '{state} since {time} ({duration})',
    'line.sensors': 'Sensors',
    'line.noSensors': 'No sensor data yet',
    'line.sensor': 'Name',
    'line.sensorValue': 'Value',
    'line.sensorTrend': 'Since the page opened',
    'line.noData': 'No data in this period',
    'wall.valueToday': 'Output value today',
    'wall.valuePlan': 'Plan {plan} · {pct} done',
    'wall.tonsToday': 'Shipped today',
    'wall.tonsPlan': 'Plan {plan} · {pct} done',
    'wall.chainYtd': '{chain} · year to date',
    'wall.chainYtdPlan': 'Year plan {plan} · {pct} done · pace {pace}',
    'wall.alerts': 'Active alerts',
    'wall.byCity': 'Output value today by city',
    'wall.byChain': 'Output value today by industry chain',
    'wall.top': 'Top enterprises today',
    'wall.stages': '{chain} by stage · year to date',
    'wall.stageToday': 'today {value}',
    'wall.noStages': 'No shipment plans in this scope',
    'wall.ofPlanValue': '{pct} of plan',
    'wall.ticker': 'Alerts',
    'wall.noAlerts': 'No open alerts',
    'wall.tab.stages': 'Supply chains by stage · year to date',
    'alerts.title': 'Alerts',
    'alerts.open': 'Open alerts',
    'alerts.empty': 'No open alerts',
    'alerts.unavailable': 'The alerts API is not available',
    'alerts.severity': 'Severity',
    'alerts.kind': 'Kind',
    'alerts.scope': 'Where',
    'alerts.message': 'Message',
    'alerts.raisedAt': 'Raised',
    'alerts.status': 'Status',
    'alerts.action': 'Action',
    'severity.critical': 'Critical',
    'severity.warning': 'Warning',
    'severity.info': 'Info',
    'status.active': 'Active',
    'status.acknowledged': 'Acknowledged',
    'status.cleared': 'Cleared',
    'status.acknowledgedBy': 'Acknowledged by {by} · {time}',
    'ack.button': 'Acknowledge',
    'ack.busy': 'Acknowledging…',
    'ack.buttonTitle': 'Acknowledge this alert: records who and when',
    'ack.name': 'Acknowledge as',
    'ack.namePlaceholder': 'your name (optional)',
    'ack.nameTitle': 'The name recorded when you acknowledge an alert, kept in this browser; anonymous when empty',
    'ack.anonymous': 'anonymous',
    'ack.cleared': 'The alert has cleared, nothing to acknowledge: {detail}',
    'ack.unknown': 'No such alert: {detail}',
    'ack.failed': 'Could not acknowledge: {detail}',
    'ack.dismiss': 'Dismiss',
    'alertKind.shipment_shortfall': 'Shipment shortfall',
    'alertKind.output_shortfall': 'Output shortfall',
    'alertKind.stale': 'No telemetry',
    'alertKind.down': 'Line down',
    'index.regions': 'Regions',
    'index.chains': 'Industry chains',
    'index.enterprises': 'Enterprises',
    'index.wall': 'Wall display',
    'index.kiosk': 'Wall (kiosk)',
    'index.alerts': 'Alerts',
    'index.filter': 'Filter enterprises…',
    'index.lineCount': '{n} lines',
    'index.intro': 'Pick a scope to open its dashboard. Each dashboard shows only the scope it opened.',
    'login.title': 'Sign in',
    'login.heading': 'Sign in to OutputMonitor',
    'login.intro': 'Use the name and password your administrator set up for you.',
    'login.name': 'Name',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.busy': 'Signing in…',
    'login.invalid': 'The name or the password is not right.',
    'login.throttled': 'Too many attempts; try again in {seconds} s.',
    'login.throttledLater': 'Too many attempts; try again later.',
    'login.failed': 'Could not sign in: {reason}',
    'account.signedInTitle': 'Signed in as {name} ({role})',
    'account.signOut': 'Sign out',
    'account.signOutTitle': 'Sign out',
    'account.signIn': 'Sign in',
    'role.viewer': 'viewer',
    'role.manager': 'manager',
    'role.admin': 'admin',
    'duration.d': '{n}d',
    'duration.h': '{n}h',
    'duration.m': '{n}m',
    'duration.s': '{n}s',
  },
};

function initialLang() {
  const asked = params.get('lang');
  if (asked === 'en' || asked === 'zh') return asked;
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch { /* storage blocked: default */ }
  return 'zh';
}

let currentLang = initialLang();

export function lang() {
  return currentLang;
}

/** The text of a key in the current language, with {name} placeholders filled. */
export function t(key, values = {}) {
  const text = strings[currentLang][key] ?? strings.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** Switches the language, remembers it, keeps the URL in step and tells the page to re-render. */
export function setLang(next) {
  currentLang = next;
  try { localStorage.setItem(LANG_KEY, next); } catch { /* not remembered */ }
  if (params.has('lang')) {
    params.set('lang', next);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }
  applyI18n();
  document.dispatchEvent(new CustomEvent('om:lang'));
}

/** Fills every element marked data-i18n (text) or data-i18n-placeholder / data-i18n-title. */
export function applyI18n(root = document) {
  document.documentElement.lang = currentLang === 'en' ? 'en' : 'zh-CN';
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
}

/** A registry or snapshot object's name in the current language. */
export function nameOf(item) {
  if (!item) return '';
  return currentLang === 'en' ? (item.nameEn || item.name) : (item.name || item.nameEn);
}

// ---------------------------------------------------------------------------------------------
// Numbers: 万/亿 in Chinese, thousands separators in English.

const numberFormats = new Map();
function numberFormat(digits) {
  const key = `${currentLang}:${digits}`;
  if (!numberFormats.has(key)) {
    numberFormats.set(key, new Intl.NumberFormat(currentLang === 'en' ? 'en-US' : 'zh-CN', {
      minimumFractionDigits: 0,
      maximumFractionDigits: digits,
    }));
  }
  return numberFormats.get(key);
}

/** A plain number with grouping, at most `digits` decimals. */
export function fmtNumber(value, digits = 0) {
  if (value == null || !Number.isFinite(Number(value))) return '–';
  return numberFormat(digits).format(Number(value));
}

/** 12.3万 / 1.23亿 in Chinese (from 10,000 up), grouped digits in English. */
export function fmtCompact(value) {
  if (value == null || !Number.isFinite(Number(value))) return '–';
  const v = Number(value);
  if (currentLang === 'en') return fmtNumber(v, Math.abs(v) < 100 ? 1 : 0);
  const abs = Math.abs(v);
  if (abs >= 1e8) return `${trimZeros((v / 1e8).toFixed(2))}亿`;
  if (abs >= 1e4) return `${trimZeros((v / 1e4).toFixed(abs >= 1e7 ? 0 : abs >= 1e6 ? 1 : 2))}万`;
  return fmtNumber(v, abs < 100 ? 1 : 0);
}

function trimZeros(text) {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Money in CNY: 1.23亿元, 456.7万元 in Chinese; ¥1,234,567 in English. */
export function fmtMoney(value) {
  if (value == null || !Number.isFinite(Number(value))) return '–';
  const v = Number(value);
  if (currentLang === 'en') return `¥${fmtNumber(v, 0)}`;
  const abs = Math.abs(v);
  if (abs >= 1e8) return `${(v / 1e8).toFixed(2)}亿元`;
  if (abs >= 1e4) return `${(v / 1e4).toFixed(abs >= 1e7 ? 0 : 1)}万元`;
  return `${fmtNumber(v, 0)}元`;
}

/** Tons: 3.29万吨 in Chinese, 32,877 t in English; exact below 10,000. */
export function fmtTons(value, compact = true) {
  if (value == null || !Number.isFinite(Number(value))) return '–';
  const number = compact ? fmtCompact(value) : fmtNumber(value, 1);
  return currentLang === 'en' ? `${number} t` : `${number}吨`;
}

/** Units produced, exact with grouping: 36,612 件 / 36,612 units. */
export function fmtUnits(value, compact = false) {
  if (value == null || !Number.isFinite(Number(value))) return '–';
  const number = compact ? fmtCompact(value) : fmtNumber(value, 0);
  return currentLang === 'en' ? `${number} units` : `${number}件`;
}

/** A ratio 0..1 as a percentage. */
export function fmtPct(ratio, digits = 1) {
  if (ratio == null || !Number.isFinite(ratio)) return '–';
  return `${fmtNumber(ratio * 100, digits)}%`;
}

/** Seconds as 2小时13分 / 2h 13m (two largest units). */
export function fmtDuration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  let s = Math.max(0, Math.floor(seconds));
  const parts = [];
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d) parts.push(t('duration.d', { n: d }));
  if (h) parts.push(t('duration.h', { n: h }));
  if (m && parts.length < 2) parts.push(t('duration.m', { n: m }));
  if (!d && !h && (s || parts.length === 0)) parts.push(t('duration.s', { n: s }));
  return parts.slice(0, 2).join(currentLang === 'en' ? ' ' : '');
}

// ---------------------------------------------------------------------------------------------
// Times in the scope's own time zone (the plant day runs midnight to midnight there).

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const dateFormats = new Map();
function dateFormat(timeZone, options) {
  const key = `${currentLang}|${timeZone}|${JSON.stringify(options)}`;
  if (!dateFormats.has(key)) {
    dateFormats.set(key, new Intl.DateTimeFormat(currentLang === 'en' ? 'en-GB' : 'zh-CN', { timeZone, hourCycle: 'h23', ...options }));
  }
  return dateFormats.get(key);
}

/** HH:MM:SS (or HH:MM) in the time zone. */
export function fmtTime(value, timeZone, seconds = true) {
  if (value == null) return '–';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  return dateFormat(timeZone, seconds ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' }).format(date);
}

/** Month-day and time in the time zone. */
export function fmtDateTime(value, timeZone) {
  if (value == null) return '–';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  return dateFormat(timeZone, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(date);
}

/** Month-day in the time zone. */
export function fmtDay(value, timeZone) {
  return dateFormat(timeZone, { month: '2-digit', day: '2-digit' }).format(new Date(value));
}

const partsFormats = new Map();
/** The time zone's offset from UTC at an instant, in milliseconds. */
export function zoneOffsetMs(timeZone, instantMs) {
  if (!partsFormats.has(timeZone)) {
    partsFormats.set(timeZone, new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    }));
  }
  const parts = Object.fromEntries(partsFormats.get(timeZone).formatToParts(new Date(instantMs)).map(p => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The UTC instant (ms) of local midnight starting the day `yyyy-mm-dd` in the time zone. */
export function zonedMidnight(day, timeZone) {
  const [y, m, d] = day.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  let instant = guess - zoneOffsetMs(timeZone, guess);
  const corrected = guess - zoneOffsetMs(timeZone, instant);
  if (corrected !== instant) instant = corrected;
  return instant;
}

/** The local date `yyyy-mm-dd` of an instant in the time zone. */
export function zonedDay(instantMs, timeZone) {
  const local = new Date(instantMs + zoneOffsetMs(timeZone, instantMs));
  return local.toISOString().slice(0, 10);
}

/** `yyyy-mm-dd` plus n days (calendar arithmetic, no time zone involved). */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Start and end (UTC ms) of the plant day `day` in the time zone (23 or 25 hours on DST days). */
export function plantDay(day, timeZone) {
  return { start: zonedMidnight(day, timeZone), end: zonedMidnight(addDays(day, 1), timeZone) };
}

// ---------------------------------------------------------------------------------------------
// API key: from the URL fragment (#key=…, kept in this browser and taken out of the address bar;
// #key= forgets it) or from localStorage; sent as Bearer on HTTP and as access_token to the hub.

const API_KEY = 'om.apiKey';

function takeApiKey() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  let key = null;
  try { key = localStorage.getItem(API_KEY); } catch { /* storage blocked */ }
  if (fragment.has('key')) {
    key = fragment.get('key') || null;
    try { key ? localStorage.setItem(API_KEY, key) : localStorage.removeItem(API_KEY); } catch { /* not remembered */ }
    fragment.delete('key');
    const rest = fragment.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  }
  return key;
}

const apiKey = takeApiKey();

// ---------------------------------------------------------------------------------------------
// Signing in: people without a key sign in on login.html (a cookie the browser sends by itself);
// a page whose API answers 401 sends them there, to come back afterwards.

const onLoginPage = /\/login\.html$/.test(location.pathname);

/**
 * A path to return to after signing in: only a path of this origin ('/…', not '//host' nor
 * 'https://…'), else the index. The server checks a form post's return path the same way.
 */
export function safeReturn(value) {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  try {
    const url = new URL(value, location.origin);
    return url.origin === location.origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

/** The login page, asked to come back here. */
export function loginUrl() {
  const query = new URLSearchParams({ return: `${location.pathname}${location.search}` });
  if (params.has('lang')) query.set('lang', currentLang);
  return `/login.html?${query}`;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export class HttpError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

/**
 * Fetches JSON; an error answer throws an HttpError with its problem's `detail` (or `title`). A 401
 * without a key sends the browser to the login page. X-Requested-With goes on every request: the
 * server wants it on changes made with the sign-in cookie (its CSRF check).
 */
async function requestJson(url, init = {}) {
  const auth = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  const response = await fetch(url, { ...init, headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...auth, ...init.headers } });
  if (response.status === 401 && !apiKey && !onLoginPage) {
    location.assign(loginUrl());
    // Leaving: the page's callers wait instead of showing an error meanwhile.
    return new Promise(() => {});
  }
  if (!response.ok) {
    let detail = '';
    try { const problem = await response.json(); detail = problem.detail || problem.title || ''; } catch { /* not JSON */ }
    throw new HttpError(response.status, detail || `HTTP ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

export function getJson(url) {
  return requestJson(url);
}

/** POSTs a JSON body (none when `body` is undefined) and returns the JSON answer. */
export function postJson(url, body) {
  return requestJson(url, body === undefined
    ? { method: 'POST' }
    : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export const api = {
  snapshot: scope => getJson(`/api/snapshot/${scope}`),
  history: (scope, { step, from, to } = {}) => {
    const query = new URLSearchParams();
    if (step) query.set('step', step);
    if (from != null) query.set('from', new Date(from).toISOString());
    if (to != null) query.set('to', new Date(to).toISOString());
    return getJson(`/api/history/${scope}?${query}`);
  },
  registry: () => getJson('/api/registry'),
  alerts: (scope, status = 'open') => getJson(`/api/alerts?${new URLSearchParams({ scope, status })}`),
  /** Acknowledges an alert as `by` (the server records "anonymous" when it is empty); answers the alert. */
  acknowledge: (id, by) => postJson(`/api/alerts/${encodeURIComponent(id)}/ack`, by ? { by } : undefined),
  deadLetters: (enterprise, limit = 200) => getJson(`/api/deadletters?${new URLSearchParams({ enterprise, limit: String(limit) })}`),
};

// ---------------------------------------------------------------------------------------------
// Scopes and the registry

/** Splits `kind:rest` (`line:ent/line` → { kind: 'line', id: 'ent/line', enterprise: 'ent', line: 'line' }). */
export function parseScope(scope) {
  const match = /^(region|chain|enterprise|line):([a-z0-9][a-z0-9-]{0,62})(?:\/([a-z0-9][a-z0-9-]{0,62}))?$/.exec(scope || '');
  if (!match) return null;
  const [, kind, first, second] = match;
  if ((kind === 'line') !== (second !== undefined)) return null;
  return kind === 'line' ? { kind, id: `${first}/${second}`, enterprise: first, line: second } : { kind, id: first };
}

/** An index over GET /api/registry: lookups by scope, time zones (inherited), region trees. */
export class Registry {
  constructor(document) {
    this.document = document;
    this.regions = new Map(document.regions.map(r => [r.id, r]));
    this.chains = new Map(document.chains.map(c => [c.id, c]));
    this.enterprises = new Map(document.enterprises.map(e => [e.id, e]));
  }

  static async load() {
    return new Registry(await api.registry());
  }

  /** The IANA time zone of a scope: its own region's, inherited from the nearest ancestor. */
  timeZone(scope) {
    const parsed = parseScope(scope);
    if (!parsed) return DEFAULT_TIME_ZONE;
    let regionId = null;
    if (parsed.kind === 'region') regionId = parsed.id;
    else if (parsed.kind === 'enterprise') regionId = this.enterprises.get(parsed.id)?.region;
    else if (parsed.kind === 'line') regionId = this.enterprises.get(parsed.enterprise)?.region;
    else if (parsed.kind === 'chain') regionId = this.document.enterprises.find(e => e.chain === parsed.id)?.region;
    for (let region = this.regions.get(regionId), hops = 0; region && hops < 64; region = this.regions.get(region.parent), hops++) {
      if (region.timeZone) return region.timeZone;
    }
    return DEFAULT_TIME_ZONE;
  }

  /** The registry entry a scope names (region, chain, enterprise or line). */
  entry(scope) {
    const parsed = parseScope(scope);
    if (!parsed) return null;
    if (parsed.kind === 'region') return this.regions.get(parsed.id) ?? null;
    if (parsed.kind === 'chain') return this.chains.get(parsed.id) ?? null;
    if (parsed.kind === 'enterprise') return this.enterprises.get(parsed.id) ?? null;
    return this.enterprises.get(parsed.enterprise)?.lines.find(l => l.id === parsed.line) ?? null;
  }

  /** A scope's display name in the current language (the scope itself when unknown). */
  name(scope) {
    const parsed = parseScope(scope);
    const entry = this.entry(scope);
    if (!entry) return scope;
    if (parsed.kind === 'line') return `${nameOf(this.enterprises.get(parsed.enterprise))} · ${nameOf(entry)}`;
    return nameOf(entry);
  }

  children(regionId) {
    return this.document.regions.filter(r => r.parent === regionId);
  }

  /** A region and every region below it. */
  regionsUnder(regionId) {
    const result = [];
    const walk = id => {
      const region = this.regions.get(id);
      if (!region || result.includes(region)) return;
      result.push(region);
      for (const child of this.children(id)) walk(child.id);
    };
    walk(regionId);
    return result;
  }

  /** The enterprises in a region or chain scope (an enterprise scope: itself). */
  enterprisesIn(scope) {
    const parsed = parseScope(scope);
    if (!parsed) return [];
    if (parsed.kind === 'region') {
      const ids = new Set(this.regionsUnder(parsed.id).map(r => r.id));
      return this.document.enterprises.filter(e => ids.has(e.region));
    }
    if (parsed.kind === 'chain') return this.document.enterprises.filter(e => e.chain === parsed.id);
    if (parsed.kind === 'enterprise') return this.document.enterprises.filter(e => e.id === parsed.id);
    return this.document.enterprises.filter(e => e.id === parsed.enterprise);
  }

  /** The plan's output value per day of the production lines of some enterprises (goodPerDay × unitValueCny). */
  planValuePerDay(enterprises) {
    let sum = 0;
    for (const enterprise of enterprises) {
      for (const line of enterprise.lines) {
        if (line.kind === 'production' && line.plan?.goodPerDay && line.unitValueCny) sum += line.plan.goodPerDay * line.unitValueCny;
      }
    }
    return sum;
  }
}

/** The registry, or null when the endpoint is not there (pages then use the snapshots' names). */
export async function loadRegistry() {
  try {
    return await Registry.load();
  } catch (error) {
    console.warn('registry not available:', error.message);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// DOM helpers (no inline styles or handlers: everything is set through the DOM).

/** Creates an element: el('div', { class: 'x', text: 'y', dataset: {…}, on: { click } }, children…). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Sets an element's text only when it changed (keeps re-renders cheap and selections stable). */
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

/** Sets a bar's fill fraction (0..1) through the CSSOM, so a strict style-src CSP still allows it. */
export function setFill(node, fraction) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  node.style.setProperty('--fill', `${(clamped * 100).toFixed(2)}%`);
}

/** Shows a problem in the page's error banner. */
export function showError(message) {
  let banner = document.getElementById('error');
  if (!banner) {
    banner = el('div', { id: 'error', class: 'error-banner', role: 'alert' });
    document.body.prepend(banner);
  }
  banner.hidden = false;
  banner.textContent = message;
}

/** The page cannot show its scope: says why, and hides the live indicator (there is nothing live). */
export function scopeFailed(scope, reason) {
  showError(t('error.badScope', { scope, reason }));
  const indicator = document.getElementById('live');
  if (indicator) indicator.hidden = true;
}

/** The scope in ?scope=, validated against the kinds a page accepts; shows the error and returns null otherwise. */
export function scopeParam(kinds, example) {
  const scope = params.get('scope');
  const parsed = parseScope(scope);
  if (!scope) {
    showError(t('error.noScope', { example }));
    const indicator = document.getElementById('live');
    if (indicator) indicator.hidden = true;
    return null;
  }
  if (!parsed || !kinds.includes(parsed.kind)) {
    scopeFailed(scope, kinds.join(' / '));
    return null;
  }
  return { scope, ...parsed };
}

/** Wires the language toggle and fills the static labels; call once per page. */
export function initPage() {
  initAccount();
  applyI18n();
  const toggle = document.getElementById('lang-toggle');
  if (toggle) {
    toggle.addEventListener('click', () => setLang(currentLang === 'en' ? 'zh' : 'en'));
    // Disabled in the HTML until now, so a click before the script ran is not silently lost.
    toggle.disabled = false;
  }
  for (const link of document.querySelectorAll('a[data-keep-lang]')) keepLang(link);
  document.addEventListener('om:lang', () => { for (const link of document.querySelectorAll('a[data-keep-lang]')) keepLang(link); });
}

/**
 * The header's account part: a signed-in person's name with a sign-out button; "sign in" for an
 * anonymous reader; nothing for a key (wall displays) or on the login page itself.
 */
function initAccount() {
  const controls = document.querySelector('header .controls');
  if (!controls || onLoginPage || apiKey) return;
  let account;
  if (caller.authenticatedWith === 'session') {
    const name = el('span', { id: 'account-name', class: 'account-name', text: caller.name });
    const title = () => { name.title = t('account.signedInTitle', { name: caller.name, role: t(`role.${caller.role}`) }); };
    title();
    document.addEventListener('om:lang', title);
    account = el('span', { id: 'account', class: 'account' }, name,
      el('button', { id: 'sign-out', type: 'button', class: 'lang-toggle', dataset: { i18n: 'account.signOut', i18nTitle: 'account.signOutTitle' }, on: { click: signOut } }));
  } else if (!caller.role) {
    account = el('a', { id: 'sign-in', class: 'nav-link', href: loginUrl(), dataset: { i18n: 'account.signIn' } });
  }
  if (account) controls.prepend(account);
}

async function signOut() {
  try { await postJson('/api/logout'); } catch { /* signed out or not: the login page tells */ }
  location.assign(loginUrl());
}

function keepLang(link) {
  if (!params.has('lang')) return;
  const url = new URL(link.getAttribute('href'), location.href);
  url.searchParams.set('lang', currentLang);
  link.setAttribute('href', `${url.pathname}${url.search}`);
}

/** A link to another dashboard page for a scope, carrying ?lang when the page has one. */
export function pageUrl(page, scope, extra = {}) {
  const query = new URLSearchParams({ scope, ...extra });
  if (params.has('lang')) query.set('lang', currentLang);
  return `${page}?${query}`;
}

// ---------------------------------------------------------------------------------------------
// Live data: the SignalR hub /hubs/monitor.

const RETRY_DELAYS_MS = [0, 2000, 5000, 10000];
const RETRY_FOREVER_MS = 30000;
const RESUBSCRIBE_MS = 5 * 60 * 1000;

/** Reconnect at 0, 2, 5, 10 s, then every 30 s, never giving up. */
export const retryPolicy = {
  nextRetryDelayInMilliseconds: context => RETRY_DELAYS_MS[context.previousRetryCount] ?? RETRY_FOREVER_MS,
};

/**
 * The page's live connection. `subscribe(scope)` asks the hub for the scope's snapshots; every
 * snapshot (the Subscribe result and each pushed `snapshot` message, newest `asOf` wins) goes to
 * `onSnapshot`, every `alert` message to `onAlert`. After a reconnect every scope is subscribed
 * again (the server forgot the groups), and every 5 minutes as well (time-dependent figures such
 * as the rate, and the plant-day rollover). The status (`live`, or stale since the last data) is
 * shown in the element #live: stale when the hub is disconnected or no snapshot came for longer
 * than `staleAfterMs` (?staleAfter= seconds, default 60).
 */
export class LiveFeed {
  constructor({ onSnapshot = () => {}, onAlert = () => {}, onScopeError = () => {}, timeZone = DEFAULT_TIME_ZONE } = {}) {
    this.onSnapshot = onSnapshot;
    this.onAlert = onAlert;
    this.onScopeError = onScopeError;
    this.timeZone = timeZone;
    this.scopes = new Set();
    this.subscribing = new Map();
    this.latest = new Map();
    this.lastDataAt = null;
    const staleSeconds = Number(params.get('staleAfter'));
    this.staleAfterMs = Number.isFinite(staleSeconds) && staleSeconds > 0 ? staleSeconds * 1000 : 60000;
    this.connected = false;
    this.stopped = false;
    this.indicator = document.getElementById('live');

    this.connection = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/monitor', apiKey ? { accessTokenFactory: () => apiKey } : {})
      .withAutomaticReconnect(retryPolicy)
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.connection.on('snapshot', snapshot => this.accept(snapshot, true));
    this.connection.on('alert', alert => this.onAlert(alert));
    this.connection.onreconnecting(() => { this.connected = false; this.render(); });
    this.connection.onreconnected(() => { this.connected = true; this.render(); this.resubscribeAll(true); });
    this.connection.onclose(() => { this.connected = false; this.render(); this.startLoop(); });

    setInterval(() => this.render(), 1000);
    setInterval(() => { if (this.connected) this.resubscribeAll(false); }, RESUBSCRIBE_MS);
    document.addEventListener('om:lang', () => this.render());
    this.render();
  }

  /** Starts the connection (retrying forever until it is up) and subscribes the scopes asked for so far. */
  start() {
    this.startLoop();
    return this;
  }

  async startLoop() {
    if (this.starting || this.stopped) return;
    this.starting = true;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.connection.start();
        this.connected = true;
        this.render();
        await this.resubscribeAll(true);
        break;
      } catch {
        this.connected = false;
        this.render();
        await new Promise(resolve => setTimeout(resolve, RETRY_DELAYS_MS[attempt] ?? RETRY_FOREVER_MS));
      }
    }
    this.starting = false;
  }

  /** Asks for a scope's snapshots (now, if connected, and after every reconnect). */
  async subscribe(scope) {
    this.scopes.add(scope);
    if (this.connected) await this.invokeSubscribe(scope, true);
  }

  async unsubscribe(scope) {
    this.scopes.delete(scope);
    if (this.connected) {
      try { await this.connection.invoke('Unsubscribe', scope); } catch { /* gone anyway */ }
    }
  }

  async resubscribeAll(fresh) {
    await Promise.all([...this.scopes].map(scope => this.invokeSubscribe(scope, fresh)));
  }

  /**
   * One Subscribe per scope at a time: a page opening its scope while the connection comes up asks
   * from both paths at once, and a second answer arriving late would count as new data.
   */
  invokeSubscribe(scope, fresh) {
    const pending = this.subscribing.get(scope);
    if (pending) return pending;
    const call = this.subscribeOnce(scope, fresh).finally(() => this.subscribing.delete(scope));
    this.subscribing.set(scope, call);
    return call;
  }

  async subscribeOnce(scope, fresh) {
    try {
      const snapshot = await this.connection.invoke('Subscribe', scope);
      if (snapshot) this.accept(snapshot, fresh);
    } catch (error) {
      if (this.connection.state === signalR.HubConnectionState.Connected) {
        // A HubException: malformed or unknown scope. Not retried.
        this.scopes.delete(scope);
        this.onScopeError(scope, error);
      }
    }
  }

  /**
   * Takes a snapshot from the hub or from HTTP. Older than the one held: ignored. `fresh` marks new
   * data for the live indicator (pushed messages and (re)connect subscriptions; not the periodic
   * refresh, which returns a snapshot even when nothing happened).
   */
  accept(snapshot, fresh) {
    const held = this.latest.get(snapshot.scope);
    if (held && Date.parse(held.asOf) > Date.parse(snapshot.asOf)) return;
    this.latest.set(snapshot.scope, snapshot);
    if (fresh) this.lastDataAt = Date.now();
    this.render();
    this.onSnapshot(snapshot);
  }

  /**
   * Opens the page's own scope: its snapshot over HTTP (first paint, and an unknown or malformed
   * scope is told at once), then its live snapshots. False, with the reason shown, when it cannot.
   */
  async open(scope) {
    try {
      await this.fetchSnapshot(scope);
    } catch (error) {
      scopeFailed(scope, error.message);
      return false;
    }
    this.subscribe(scope);
    return true;
  }

  /** Loads a scope's snapshot over HTTP (first paint before the hub answers). */
  async fetchSnapshot(scope) {
    const snapshot = await api.snapshot(scope);
    this.accept(snapshot, false);
    return snapshot;
  }

  get stale() {
    return !this.connected || this.lastDataAt == null || Date.now() - this.lastDataAt > this.staleAfterMs;
  }

  render() {
    const node = this.indicator;
    if (!node) return;
    const stale = this.stale;
    node.classList.toggle('is-live', !stale);
    node.classList.toggle('is-stale', stale);
    node.dataset.status = stale ? 'stale' : 'live';
    let text;
    let reason = '';
    if (!stale) text = t('live.live');
    else if (this.lastDataAt == null && !this.connected) text = t('live.connecting');
    else if (this.lastDataAt == null) text = t('live.staleNever');
    else text = t('live.stale', { time: fmtTime(this.lastDataAt, this.timeZone) });
    if (stale) reason = this.connected ? t('live.reasonQuiet', { seconds: Math.round(this.staleAfterMs / 1000) }) : t('live.reasonDisconnected');
    setText(node, text);
    if (node.title !== reason) node.title = reason;
  }
}

// ---------------------------------------------------------------------------------------------
// Open alerts of a scope: GET /api/alerts?status=open, then the hub's `alert` messages, and the
// acknowledge button (POST /api/alerts/{id}/ack) of the alerts page and the plant view.

/**
 * The open (active or acknowledged) alerts of a scope, newest first. `load()` fetches them;
 * `apply(alert)` takes a change from the hub or from an acknowledgement's answer, so both paths
 * land on the same entry (by id; an older change than the one held is ignored, and a cleared
 * alert never comes back: the lifecycle only moves forward). `acknowledge(id)` posts an
 * acknowledgement. `onChange` gets the list after every change, the acknowledgements in flight
 * included (`pending`).
 */
export class OpenAlerts {
  constructor(scope, onChange) {
    this.scope = scope;
    this.onChange = onChange;
    this.byId = new Map();
    this.closed = new Set(); // ids known cleared or gone: a late or older message must not bring them back
    this.pending = new Set(); // ids being acknowledged
    this.available = true;
  }

  async load() {
    try {
      const alerts = await api.alerts(this.scope, 'open');
      this.byId = new Map(alerts.filter(alert => !this.closed.has(alert.id)).map(alert => [alert.id, alert]));
      this.available = true;
    } catch (error) {
      console.warn('alerts not available:', error.message);
      this.available = false;
    }
    this.changed();
  }

  apply(alert) {
    if (this.take(alert)) this.changed();
  }

  /** Takes a change without telling onChange; false when it changes nothing. */
  take(alert) {
    if (!alert?.id || this.closed.has(alert.id)) return false;
    const held = this.byId.get(alert.id);
    if (held && changedAt(held) > changedAt(alert)) return false;
    if (alert.status === 'cleared') this.close(alert.id);
    else this.byId.set(alert.id, alert);
    return true;
  }

  /** The alert has cleared, or the server does not know it: it leaves the list for good. */
  close(id) {
    this.closed.add(id);
    this.byId.delete(id);
  }

  /**
   * Acknowledges an alert as the name in the page's name field. The answer updates the entry (the
   * hub's message for it converges on the same one); a 404 or 409 means the alert is gone or
   * cleared, so it leaves the list. Every failure is shown with the server's reason.
   */
  async acknowledge(id) {
    if (this.pending.has(id)) return;
    this.pending.add(id);
    showAckProblem(null);
    this.changed();
    try {
      this.take(await api.acknowledge(id, ackName()));
    } catch (error) {
      if (error.status === 404 || error.status === 409) this.close(id);
      showAckProblem({ key: error.status === 409 ? 'ack.cleared' : error.status === 404 ? 'ack.unknown' : 'ack.failed', detail: error.message });
    }
    this.pending.delete(id);
    this.changed();
  }

  changed() {
    this.onChange(this.list());
  }

  list() {
    return [...this.byId.values()].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
  }
}

function changedAt(alert) {
  return Math.max(...[alert.raisedAt, alert.acknowledgedAt, alert.clearedAt].filter(Boolean).map(Date.parse), 0);
}

/** Who the server says this page is (GET /api/me): anonymous when that fails, and on the login page (which asks nobody). */
async function loadCaller() {
  const anonymous = { scopes: [], acknowledgeAll: false, acknowledgeEnterprises: [] };
  if (onLoginPage) return anonymous;
  try { return await getJson('/api/me'); } catch { return anonymous; }
}

const caller = await loadCaller();

/**
 * Whether the current user may acknowledge alerts: `alert` one in particular, none at all (the
 * name field and the pages' action column). As the server decides (spec/api.md): an admin key
 * always, a manager key in its enterprises, viewers and anonymous readers never.
 */
export function mayAcknowledge(alert = null) {
  if (caller.acknowledgeAll) return true;
  const enterprises = caller.acknowledgeEnterprises ?? [];
  if (!alert) return enterprises.length > 0;
  const enterprise = alert.scope.replace(/^line:/, '').split('/')[0].replace(/^enterprise:/, '');
  return enterprises.includes(enterprise);
}

const ACK_NAME_KEY = 'om.ackName';

/** The name in the page's name field ('' when none: the server records "anonymous"). */
function ackName() {
  return document.getElementById('ack-name')?.value.trim() ?? '';
}

/**
 * Fills #ack-controls (alerts page, plant view) with the "your name" field, remembered in this
 * browser, and the place where a refused acknowledgement is explained. Nothing when the user may
 * not acknowledge.
 */
export function initAckControls() {
  const container = document.getElementById('ack-controls');
  if (!container || !mayAcknowledge()) return;
  let stored = '';
  try { stored = localStorage.getItem(ACK_NAME_KEY) ?? ''; } catch { /* storage blocked: not remembered */ }
  const field = el('input', { id: 'ack-name', type: 'text', maxlength: '100', autocomplete: 'name', value: stored, dataset: { i18nPlaceholder: 'ack.namePlaceholder', i18nTitle: 'ack.nameTitle' } });
  field.addEventListener('input', () => {
    try { localStorage.setItem(ACK_NAME_KEY, field.value.trim()); } catch { /* not remembered */ }
  });
  const notice = el('p', { id: 'ack-problem', class: 'ack-problem', role: 'alert', hidden: true },
    el('span', { class: 'ack-problem-text' }),
    el('button', { type: 'button', class: 'ack-dismiss', dataset: { i18n: 'ack.dismiss' }, on: { click: () => showAckProblem(null) } }));
  container.replaceChildren(el('label', { class: 'ack-name' }, el('span', { dataset: { i18n: 'ack.name' } }), field), notice);
  applyI18n(container);
  document.addEventListener('om:lang', () => showAckProblem(shownProblem));
}

let shownProblem = null;

/** Shows why an acknowledgement was refused ({ key, detail }), or hides the notice (null). */
function showAckProblem(problem) {
  shownProblem = problem;
  const notice = document.getElementById('ack-problem');
  if (!notice) {
    if (problem) showError(t(problem.key, { detail: problem.detail }));
    return;
  }
  notice.hidden = !problem;
  setText(notice.querySelector('.ack-problem-text'), problem ? t(problem.key, { detail: problem.detail }) : '');
}

/** The attributes of an alert's row, list item or ticker item: severity class, id, status, and aria-busy while it is being acknowledged. */
export function alertItemProps(alerts, alert, className = '') {
  return {
    class: `${className} severity-${alert.severity}`.trim(),
    dataset: { id: alert.id, status: alert.status },
    'aria-busy': alerts.pending.has(alert.id) ? 'true' : null,
  };
}

/**
 * The acknowledge button of an alert, disabled while its acknowledgement is in flight (the page
 * marks the alert's row aria-busy meanwhile); null when there is nothing to acknowledge or the
 * user may not.
 */
export function ackButton(alerts, alert) {
  if (alert.status !== 'active' || !mayAcknowledge(alert)) return null;
  const busy = alerts.pending.has(alert.id);
  return el('button', {
    type: 'button', class: 'ack-button', disabled: busy,
    text: t(busy ? 'ack.busy' : 'ack.button'), title: t('ack.buttonTitle'),
    on: { click: () => alerts.acknowledge(alert.id) },
  });
}

/** An alert's kind, severity and status labels; an acknowledged one's status says who and when (in the time zone). */
export function alertLabels(alert, timeZone = DEFAULT_TIME_ZONE) {
  const kindKey = `alertKind.${alert.kind}`;
  const severityKey = `severity.${alert.severity}`;
  const statusKey = `status.${alert.status}`;
  const by = !alert.acknowledgedBy || alert.acknowledgedBy === 'anonymous' ? t('ack.anonymous') : alert.acknowledgedBy;
  return {
    kind: strings.zh[kindKey] ? t(kindKey) : alert.kind,
    severity: strings.zh[severityKey] ? t(severityKey) : alert.severity,
    status: alert.status === 'acknowledged'
      ? t('status.acknowledgedBy', { by, time: fmtDateTime(alert.acknowledgedAt, timeZone) })
      : strings.zh[statusKey] ? t(statusKey) : alert.status,
  };
}

/** The state of a line as a label and a CSS modifier. */
export function stateLabel(state) {
  const known = ['running', 'idle', 'down', 'maintenance'].includes(state);
  return { text: t(`state.${known ? state : 'unknown'}`), className: `state-${known ? state : 'unknown'}` };
}

/** The summary strip: big figures with a label and a note each. Shared by the plant, line and wall pages. */
export function renderFigures(container, figures) {
  const keys = figures.map(f => f.key).join(',');
  if (container.dataset.keys !== keys) {
    container.dataset.keys = keys;
    container.replaceChildren(...figures.map(f => el('div', { class: 'figure', dataset: { key: f.key } },
      el('div', { class: 'figure-label' }), el('div', { class: 'figure-value' }), el('div', { class: 'figure-note' }))));
  }
  for (const f of figures) {
    const node = container.querySelector(`[data-key="${f.key}"]`);
    setText(node.querySelector('.figure-label'), f.label);
    setText(node.querySelector('.figure-value'), f.value);
    setText(node.querySelector('.figure-note'), f.note ?? '');
    node.classList.toggle('alarm', Boolean(f.alarm));
    if (f.title) node.title = f.title;
  }
}
