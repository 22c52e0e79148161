// The portals' one way to the Vireo API: the bearer token kept in sessionStorage, JSON in and out,
// and the API's {error, message} turned into an Error whose message is the API's sentence.

const TOKEN_KEY = 'vireo.token';
const USER_KEY = 'vireo.user';

export class ApiError extends Error {
    constructor(status, code, message) {
        super(message);
        this.status = status;
        this.code = code;
    }
}

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const userName = () => sessionStorage.getItem(USER_KEY) || '';

let whenLoggedOut = () => {};

/** What a page does when the engine no longer accepts the token (expired, revoked). */
export function onLoggedOut(callback) {
    whenLoggedOut = callback;
}

export async function login(username, password) {
    const response = await fetch('/sso/oauth/token', {
        method: 'POST',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({grant_type: 'password', username, password}),
    });
    const body = await readBody(response);
    if (!response.ok) {
        throw failure(response, body);
    }
    sessionStorage.setItem(TOKEN_KEY, body.access_token);
    sessionStorage.setItem(USER_KEY, username);
}

export function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
}

export async function call(method, path, body) {
    const headers = {Authorization: 'Bearer ' + token()};
    const options = {method, headers};
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
    }
    let response;
    try {
        response = await fetch(path, options);
    } catch (e) {
        throw new ApiError(0, 'UNREACHABLE', 'The engine cannot be reached: ' + e.message);
    }
    const answer = await readBody(response);
    if (response.status === 401) {
        logout();
        whenLoggedOut();
    }
    if (!response.ok) {
        throw failure(response, answer);
    }
    return answer;
}

export const get = path => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const remove = path => call('DELETE', path);

/** Who is logged in. Until the engine has /api/me (users and roles), everyone who logs in is the admin. */
export async function me() {
    try {
        return await get('/api/me');
    } catch (e) {
        if (e.status === 404) {
            return {name: userName(), displayName: userName(), admin: true, permissions: []};
        }
        throw e;
    }
}

/** Polls a job until it ends; fails with the job's own error sentence. */
export async function awaitJob(job, timeoutMs = 180000) {
    const ended = await poll(() => get('/api/jobs/' + job.id), j => j.status === 'DONE' || j.status === 'FAILED',
        timeoutMs, 'Job ' + job.description);
    if (ended.status === 'FAILED') {
        throw new ApiError(409, ended.errorCode, ended.errorMessage || ('Job ' + ended.description + ' failed'));
    }
    return ended;
}

/** Calls fetchOnce every intervalMs until done(answer), or fails after timeoutMs. */
export async function poll(fetchOnce, done, timeoutMs, what, intervalMs = 500) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
        const answer = await fetchOnce();
        if (done(answer)) {
            return answer;
        }
        if (performance.now() > deadline) {
            throw new ApiError(0, 'TIMEOUT', what + ' did not finish within ' + Math.round(timeoutMs / 1000) + ' s');
        }
        await new Promise(resolve => setTimeout(resolve, intervalMs));
    }
}

/** The browser console of a VM (noVNC, served by the engine; it reads the same token). */
export function consoleUrl(vmId) {
    return '/console/?vm=' + encodeURIComponent(vmId);
}

export function showError(element, error) {
    element.textContent = error instanceof Error ? error.message : String(error);
    element.hidden = false;
}

export function clearError(element) {
    element.textContent = '';
    element.hidden = true;
}

/** Text made safe to put inside HTML (element content or a quoted attribute). */
export function escape(value) {
    return String(value ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]);
}

/** The human form of a status such as POWERING_UP. */
export function statusText(status) {
    return String(status ?? '').toLowerCase().replace(/_/g, ' ');
}

async function readBody(response) {
    const text = await response.text();
    if (!text) {
        return {};
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        return {message: text};
    }
}

/** Vireo's {error, message}, or the network provider's Neutron body {NeutronError: {type, message}}. */
function failure(response, body) {
    const neutron = body.NeutronError;
    const message = (neutron ?? body).message || ('The engine answered ' + response.status + ' ' + response.statusText);
    return new ApiError(response.status, (neutron ? neutron.type : body.error) || 'HTTP_' + response.status, message);
}

/**
 * Wires a login form (fields named username and password): on submit it logs in, shows a refusal
 * in errorBox, and calls afterLogin once the token is kept.
 */
export function wireLoginForm(form, errorBox, afterLogin) {
    form.addEventListener('submit', async event => {
        event.preventDefault();
        clearError(errorBox);
        const button = form.querySelector('button');
        button.disabled = true;
        try {
            await login(form.username.value, form.password.value);
            form.password.value = '';
            await afterLogin();
        } catch (e) {
            showError(errorBox, e);
        } finally {
            button.disabled = false;
        }
    });
}
