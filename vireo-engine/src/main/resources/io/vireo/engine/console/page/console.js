// The browser console of one VM: /console/?vm=<VM id>.
// It gets a one-time ticket with the user's bearer token (sessionStorage "vireo.token", which the
// portals set; else a login form here sets it) and shows the VM's VNC display through the engine's
// WebSocket proxy with noVNC. A fragment #token=<ticket token>&password=<password> uses a ticket
// obtained elsewhere instead of asking for one.
//
// For tests and the portals: window.vireoConsole.state and #console-status[data-state] are
// "starting", "login", "connecting", "connected", "disconnected", "failed" or "spice";
// window.vireoConsole.reason says why in words; width and height are the guest screen's size
// (0 until connected); the screen is the canvas inside #console-screen.
import RFB from '/console/novnc/core/rfb.js';

const TOKEN_KEY = 'vireo.token';
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const element = id => document.getElementById(id);
const screen = element('console-screen');
const vmId = new URLSearchParams(location.search).get('vm');
let rfb = null;

const consoleState = {
    state: 'starting',
    reason: '',
    vmId,
    vmName: null,
    get width() {
        const canvas = screen.querySelector('canvas');
        return this.state === 'connected' && canvas ? canvas.width : 0;
    },
    get height() {
        const canvas = screen.querySelector('canvas');
        return this.state === 'connected' && canvas ? canvas.height : 0;
    },
};
window.vireoConsole = consoleState;

function setStatus(state, text) {
    consoleState.state = state;
    consoleState.reason = text;
    const status = element('console-status');
    status.dataset.state = state;
    status.textContent = text;
    const connected = state === 'connected';
    element('console-ctrl-alt-del').disabled = !connected;
    element('console-clipboard-send-button').disabled = !connected;
    element('console-reconnect').hidden = !(state === 'disconnected' || state === 'failed');
}

class LoginNeeded extends Error {
}

async function api(method, path) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
        throw new LoginNeeded();
    }
    const response = await fetch(path, {method, headers: {Authorization: 'Bearer ' + token}});
    if (response.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        throw new LoginNeeded();
    }
    return response;
}

async function failure(response, what) {
    try {
        const body = await response.json();
        return body.message || body.error || `${what} failed with HTTP ${response.status}`;
    } catch {
        return `${what} failed with HTTP ${response.status}`;
    }
}

async function start() {
    if (!vmId || !UUID.test(vmId)) {
        setStatus('failed', 'No VM given: open /console/?vm=<VM id>');
        return;
    }
    const handedOver = new URLSearchParams(location.hash.slice(1));
    if (handedOver.get('token') && handedOver.get('password')) {
        history.replaceState(null, '', location.pathname + location.search);
        connect('/console/vnc?token=' + encodeURIComponent(handedOver.get('token')), handedOver.get('password'));
        return;
    }
    try {
        setStatus('connecting', 'Asking for a console ticket');
        const vm = await api('GET', `/api/vms/${vmId}`);
        if (!vm.ok) {
            setStatus('failed', await failure(vm, 'Looking the VM up'));
            return;
        }
        consoleState.vmName = (await vm.json()).name;
        element('console-vm-name').textContent = consoleState.vmName;
        document.title = `${consoleState.vmName} - Console - Vireo`;
        const response = await api('POST', `/api/vms/${vmId}/ticket`);
        if (!response.ok) {
            setStatus('failed', await failure(response, 'The console ticket'));
            return;
        }
        const ticket = await response.json();
        if (ticket.protocol === 'spice') {
            element('console-spice').hidden = false;
            setStatus('spice', 'SPICE display: open it with remote-viewer');
            return;
        }
        connect(ticket.proxyPath, ticket.password);
    } catch (e) {
        if (e instanceof LoginNeeded) {
            showLogin();
        } else {
            setStatus('failed', 'The engine cannot be reached: ' + e.message);
        }
    }
}

function connect(proxyPath, password) {
    setStatus('connecting', 'Connecting');
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + proxyPath;
    // Our own socket, so that we can tell a ticket refused at the engine's door (the socket never
    // opens) from a display that refused the password or went away.
    const socket = new WebSocket(url);
    let opened = false;
    let connected = false;
    let refusal = null;
    socket.addEventListener('open', () => { opened = true; });
    rfb = new RFB(screen, socket, {credentials: {password}});
    rfb.scaleViewport = true;
    rfb.background = '#282828';
    rfb.addEventListener('connect', () => {
        connected = true;
        setStatus('connected', 'Connected');
    });
    rfb.addEventListener('securityfailure', () => {
        refusal = 'The VM\'s display refused the ticket\'s password: the ticket has expired or a newer one '
            + 'replaced it. Reconnect to get a new ticket.';
    });
    rfb.addEventListener('credentialsrequired', () => {
        refusal = 'The VM\'s display asked for credentials the ticket does not have.';
        rfb.disconnect();
    });
    rfb.addEventListener('clipboard', event => {
        element('console-clipboard-received').value = event.detail.text;
    });
    rfb.addEventListener('disconnect', event => {
        rfb = null;
        let reason;
        if (connected) {
            reason = event.detail.clean ? 'Disconnected'
                : 'Disconnected: the connection to the VM\'s display was lost (the VM stopped or moved, or the network failed)';
        } else if (refusal) {
            reason = refusal;
        } else if (!opened) {
            reason = 'The engine refused the console ticket: it was used already or has expired. '
                + 'Reconnect to get a new ticket.';
        } else {
            reason = 'The engine could not reach the VM\'s display (the VM may have stopped or moved).';
        }
        setStatus(connected ? 'disconnected' : 'failed', reason);
    });
}

function showLogin() {
    setStatus('login', 'Log in to open the console');
    element('console-login').hidden = false;
}

element('console-login').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    const error = element('console-login-error');
    error.textContent = '';
    try {
        const response = await fetch('/sso/oauth/token', {
            method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: new URLSearchParams({grant_type: 'password', username: form.username.value, password: form.password.value}),
        });
        if (!response.ok) {
            error.textContent = await failure(response, 'Logging in');
            return;
        }
        sessionStorage.setItem(TOKEN_KEY, (await response.json()).access_token);
        form.password.value = '';
        form.hidden = true;
        start();
    } catch (e) {
        error.textContent = 'The engine cannot be reached: ' + e.message;
    }
});

element('console-ctrl-alt-del').addEventListener('click', () => rfb?.sendCtrlAltDel());

element('console-fullscreen').addEventListener('click', () => {
    if (document.fullscreenElement) {
        document.exitFullscreen();
    } else {
        // the whole page, so the bar (and its way back) stays; the guest's screen scales to the rest
        document.documentElement.requestFullscreen().catch(e => setStatus(consoleState.state, consoleState.reason + ' (full screen refused: ' + e.message + ')'));
    }
});

element('console-clipboard-toggle').addEventListener('click', event => {
    const panel = element('console-clipboard');
    panel.hidden = !panel.hidden;
    event.target.setAttribute('aria-expanded', String(!panel.hidden));
});

element('console-clipboard-send-button').addEventListener('click', () => {
    rfb?.clipboardPasteFrom(element('console-clipboard-send').value);
});

element('console-reconnect').addEventListener('click', () => {
    rfb?.disconnect();
    screen.replaceChildren();
    start();
});

element('console-spice-file').addEventListener('click', async event => {
    event.preventDefault();
    try {
        const response = await api('GET', `/api/vms/${vmId}/remoteviewerconnectionfile`);
        if (!response.ok) {
            setStatus('failed', await failure(response, 'The remote-viewer file'));
            return;
        }
        const link = document.createElement('a');
        link.href = URL.createObjectURL(await response.blob());
        link.download = (consoleState.vmName || 'console').replace(/[^A-Za-z0-9._-]/g, '_') + '.vv';
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (e) {
        if (e instanceof LoginNeeded) {
            showLogin();
        } else {
            setStatus('failed', 'The engine cannot be reached: ' + e.message);
        }
    }
});

start();
