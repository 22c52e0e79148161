// The desktop portal: my desktops (power actions, console in one click) and the pools I may take
// a desktop from. One list call per page of desktops, drawn in one go: it stays quick with 1,000.
import * as api from '/common/api.js';

const PAGE_SIZE = 1000;
const REFRESH_MS = 15000;
const $ = id => document.getElementById(id);

const state = {page: 1, search: '', desktops: [], busy: 0};
// read by the end-to-end tests and the benchmark: when the list was last drawn, and how many rows
window.vireoPortal = {renderedAt: null, rows: 0};

api.onLoggedOut(() => showLogin());
api.wireLoginForm($('login'), $('login-error'), enter);
$('logout').addEventListener('click', () => {
    api.logout();
    showLogin();
});
$('filter').addEventListener('input', debounce(() => {
    state.search = $('filter').value.replace(/\s+/g, '');
    state.page = 1;
    loadDesktops();
}, 300));
$('previous').addEventListener('click', () => turnPage(-1));
$('next').addEventListener('click', () => turnPage(1));
$('desktops').addEventListener('click', onDesktopAction);
$('pools').addEventListener('click', onTakeDesktop);
setInterval(() => {
    if (api.token() && !document.hidden && state.busy === 0) {
        loadDesktops();
    }
}, REFRESH_MS);

if (api.token()) {
    enter();
} else {
    showLogin();
}

function showLogin() {
    $('desktop').hidden = true;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    $('username').focus();
}

async function enter() {
    $('login').hidden = true;
    $('desktop').hidden = false;
    $('logout').hidden = false;
    $('who').textContent = api.userName();
    await Promise.all([loadDesktops(), loadPools(), api.me().then(me => {
        $('who').textContent = me.displayName || me.name;
    }).catch(() => {})]);
}

async function loadDesktops() {
    const search = state.search ? '&search=' + encodeURIComponent('name=' + state.search + '*') : '';
    try {
        state.desktops = await api.get('/api/vms?max=' + PAGE_SIZE + '&page=' + state.page + search);
        renderDesktops();
    } catch (e) {
        fail(e);
    }
}

function renderDesktops() {
    const rows = state.desktops.map(desktopRow).join('');
    $('desktops').tBodies[0].innerHTML = rows;
    $('desktops-empty').hidden = state.desktops.length > 0 || state.page > 1;
    $('desktop-count').textContent = state.desktops.length ? '(' + rangeText() + ')' : '';
    $('pager').hidden = state.page === 1 && state.desktops.length < PAGE_SIZE;
    $('previous').disabled = state.page === 1;
    $('next').disabled = state.desktops.length < PAGE_SIZE;
    $('page').textContent = 'page ' + state.page;
    window.vireoPortal.renderedAt = performance.now();
    window.vireoPortal.rows = state.desktops.length;
    performance.mark('vireo.desktops.rendered');
    // a task queued from the next animation frame runs once that frame is painted
    requestAnimationFrame(() => setTimeout(() => performance.mark('vireo.desktops.painted')));
}

function rangeText() {
    const first = (state.page - 1) * PAGE_SIZE + 1;
    return first + '–' + (first + state.desktops.length - 1);
}

function desktopRow(vm) {
    const status = String(vm.status).toLowerCase();
    return '<tr data-id="' + api.escape(vm.id) + '"><td>' + api.escape(vm.name) + '</td>'
        + '<td><span class="status ' + api.escape(status) + '">' + api.escape(api.statusText(vm.status)) + '</span></td>'
        + '<td>' + vm.vcpus + '</td><td>' + vm.memoryMib + ' MiB</td>'
        + '<td class="actions">' + actionButtons(vm) + '</td></tr>';
}

/** Only the actions that make sense in the desktop's present state. */
function actionButtons(vm) {
    const buttons = [];
    if (vm.status === 'DOWN') {
        buttons.push(['start', 'Start']);
    }
    if (vm.status === 'UP') {
        buttons.push(['console', 'Console'], ['shutdown', 'Shut down'], ['reboot', 'Reboot']);
    }
    if (vm.status !== 'DOWN') {
        buttons.push(['stop', 'Power off']);
    }
    return buttons.map(([action, label]) => '<button data-action="' + action + '"'
        + (action === 'console' ? ' class="primary"' : '') + '>' + label + '</button>').join('');
}

async function onDesktopAction(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) {
        return;
    }
    const row = button.closest('tr');
    const vmId = row.dataset.id;
    const action = button.dataset.action;
    if (action === 'console') {
        location.assign(api.consoleUrl(vmId));
        return;
    }
    state.busy++;
    row.querySelectorAll('button').forEach(b => b.disabled = true);
    try {
        const job = await api.post('/api/vms/' + vmId + '/' + action);
        await api.awaitJob(job);
    } catch (e) {
        fail(e);
    } finally {
        state.busy--;
        await refreshRow(vmId);
    }
}

async function refreshRow(vmId) {
    try {
        const vm = await api.get('/api/vms/' + vmId);
        const index = state.desktops.findIndex(d => d.id === vmId);
        if (index >= 0) {
            state.desktops[index] = vm;
            const row = $('desktops').querySelector('tr[data-id="' + CSS.escape(vmId) + '"]');
            row.outerHTML = desktopRow(vm);
        }
    } catch (e) {
        fail(e);
    }
}

async function loadPools() {
    try {
        const pools = await api.get('/api/vmpools?max=10000');
        $('pools-panel').hidden = false;
        $('pools').tBodies[0].innerHTML = pools.map(pool => '<tr data-id="' + api.escape(pool.id) + '" data-name="'
            + api.escape(pool.name) + '"><td>' + api.escape(pool.name) + '</td><td>' + api.escape(pool.description)
            + '</td><td>' + (pool.free ?? '') + '</td><td class="actions"><button class="primary" data-action="take"'
            + (pool.free === 0 ? ' disabled' : '') + '>Take a desktop</button></td></tr>').join('');
        $('pools-empty').hidden = pools.length > 0;
    } catch (e) {
        if (e.status === 404 && e.code === 'NOT_FOUND') {
            $('pools-panel').hidden = true; // an engine without desktop pools
        } else {
            fail(e);
        }
    }
}

/** Takes a desktop from the pool, waits until it is up, then opens its console. */
async function onTakeDesktop(event) {
    const button = event.target.closest('button[data-action="take"]');
    if (!button) {
        return;
    }
    const row = button.closest('tr');
    button.disabled = true;
    state.busy++;
    api.clearError($('error'));
    try {
        say('Taking a desktop from ' + row.dataset.name + '…');
        const allocated = await api.post('/api/vmpools/' + row.dataset.id + '/allocatevm');
        const vm = allocated.vm;
        if (vm.status !== 'UP') {
            say('Starting your desktop ' + vm.name + '…');
            await api.poll(() => api.get('/api/vms/' + vm.id), d => d.status === 'UP', 180000,
                'Starting desktop ' + vm.name, 300);
        }
        say('Opening the console of ' + vm.name + '…');
        location.assign(api.consoleUrl(vm.id));
    } catch (e) {
        say('');
        fail(e);
        button.disabled = false;
    } finally {
        state.busy--;
    }
}

function turnPage(step) {
    state.page = Math.max(1, state.page + step);
    loadDesktops();
}

function say(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
}

function fail(error) {
    api.showError($('error'), error);
}

function debounce(action, ms) {
    let timer;
    return () => {
        clearTimeout(timer);
        timer = setTimeout(action, ms);
    };
}
