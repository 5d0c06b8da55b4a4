// The login page: a person of Auth:Users signs in (POST /api/login sets the sign-in cookie) and
// goes back to the page in ?return=, a path of this origin only (safeReturn refuses '//host',
// 'https://…' and the like: no open redirect). ?error= is the server's answer to a form post
// made without script.

import { t, initPage, params, safeReturn, setText } from './common.js';

const form = document.getElementById('login-form');
const name = document.getElementById('login-name');
const password = document.getElementById('login-password');
const submit = document.getElementById('login-submit');
const errorNode = document.getElementById('login-error');
const target = safeReturn(params.get('return'));

let shown = null;

initPage();
document.getElementById('login-return').value = target;
document.addEventListener('om:lang', () => show(shown));
if (params.get('error') === 'invalid') show({ key: 'login.invalid' });
else if (params.get('error') === 'throttled') show({ key: 'login.throttledLater' });
form.addEventListener('submit', signIn);

async function signIn(event) {
  event.preventDefault();
  show(null);
  busy(true);
  try {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: JSON.stringify({ name: name.value, password: password.value }),
    });
    if (response.ok) {
      location.replace(target);
      return;
    }
    show(await problemOf(response));
    password.value = '';
    password.focus();
  } catch (error) {
    show({ key: 'login.failed', values: { reason: error.message } });
  }
  busy(false);
}

/** What to say of a refused sign-in: the same for a wrong name as for a wrong password (the server does not tell). */
async function problemOf(response) {
  if (response.status === 401) return { key: 'login.invalid' };
  if (response.status === 429) {
    const seconds = Number(response.headers.get('Retry-After'));
    return Number.isFinite(seconds) && seconds > 0 ? { key: 'login.throttled', values: { seconds } } : { key: 'login.throttledLater' };
  }
  let reason = `HTTP ${response.status}`;
  try { const problem = await response.json(); reason = problem.detail || problem.title || reason; } catch { /* not JSON */ }
  return { key: 'login.failed', values: { reason } };
}

function show(problem) {
  shown = problem;
  errorNode.hidden = !problem;
  setText(errorNode, problem ? t(problem.key, problem.values) : '');
}

function busy(on) {
  submit.disabled = on;
  setText(submit, t(on ? 'login.busy' : 'login.submit'));
}
