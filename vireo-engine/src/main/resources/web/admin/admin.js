// The admin portal: inventory tree, one table view at a time with search, events as they happen,
// load charts, and the common actions. Every figure comes from the public API.
import * as api from '/common/api.js';
import {LoadHistory, loadView} from './charts.js';
import {NEUTRON, openAddNic, openAddRouterSubnet, openAttachFloatingIp, openCreateFloatingIp, openCreatePool, openCreateRouter, openCreateVm,
    openMigrate} from './dialogs.js';

const $ = id => document.getElementById(id);
const EVENT_POLL_MS = 1500;
const LOAD_SAMPLE_MS = 2000;
const EVENTS_KEPT = 300;
const VM_PAGE = 200;

const inventory = {dataCenters: [], clusters: [], hosts: [], storage: [], disks: [], pools: null};
/** The network provider's objects as last shown in the Networks view. */
const provider = {networks: [], subnets: [], routers: [], ports: [], floatingIps: [], vmPorts: []};
const load = new LoadHistory();
let sampling = false;
const events = {next: 0, shown: [], reading: false, started: false};
let view = 'hosts';
let vmPage = 1;
let timers = [];

api.onLoggedOut(() => showLogin());
api.wireLoginForm($('login'), $('login-error'), enter);
$('logout').addEventListener('click', () => {
    api.logout();
    showLogin();
});
$('tabs').addEventListener('click', e => {
    const tab = e.target.closest('button[data-view]');
    if (tab) {
        show(tab.dataset.view, '');
    }
});
$('tree').addEventListener('click', e => {
    const link = e.target.closest('a[data-view]');
    if (link) {
        e.preventDefault();
        show(link.dataset.view, link.dataset.search || '');
    }
});
$('search').addEventListener('input', debounce(() => {
    vmPage = 1;
    render();
}, 300));
$('content').addEventListener('click', onAction);
$('create-vm').addEventListener('click', () => openCreateVm(inventory, afterChange));
$('create-pool').addEventListener('click', () => openCreatePool(inventory, afterChange));
$('create-router').addEventListener('click', () => openCreateRouter(provider.networks, afterChange));
$('create-floating-ip').addEventListener('click', () => openCreateFloatingIp(provider.networks, afterChange));

if (api.token()) {
    enter();
} else {
    showLogin();
}

function showLogin() {
    timers.forEach(clearInterval);
    timers = [];
    $('admin').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('username').focus();
}

async function enter() {
    $('login').hidden = true;
    $('admin').hidden = false;
    $('logout').hidden = false;
    $('who').textContent = api.userName();
    const me = await api.me().catch(() => null);
    if (me && !me.admin) {
        api.showError($('error'), 'You are logged in as ' + (me.displayName || me.name)
            + ', who is not an administrator: this portal shows only what you may see. Your desktops are at /portal.');
    }
    await loadInventory();
    show(view, '');
    timers.push(setInterval(pollEvents, EVENT_POLL_MS), setInterval(sampleLoad, LOAD_SAMPLE_MS));
    pollEvents();
    sampleLoad();
}

async function loadInventory() {
    try {
        [inventory.dataCenters, inventory.clusters, inventory.hosts, inventory.storage, inventory.disks] = await Promise.all([
            api.get('/api/datacenters?max=10000'), api.get('/api/clusters?max=10000'), api.get('/api/hosts?max=10000'),
            api.get('/api/storagedomains?max=10000'), api.get('/api/disks?max=10000')]);
        inventory.pools = await api.get('/api/vmpools?max=10000').catch(e => {
            if (e.status === 404 && e.code === 'NOT_FOUND') {
                return null; // an engine without desktop pools
            }
            throw e;
        });
        renderTree();
    } catch (e) {
        api.showError($('error'), e);
    }
}

function renderTree() {
    const link = (kind, name, target, search = '') => '<a data-view="' + target + '" data-search="' + api.escape(search)
        + '"><span class="kind">' + kind + '</span>' + api.escape(name) + '</a>';
    const dataCenters = inventory.dataCenters.map(dc => {
        const clusters = inventory.clusters.filter(c => c.dataCenterId === dc.id).map(cluster => {
            const hosts = inventory.hosts.filter(h => h.clusterId === cluster.id)
                .map(h => '<li data-host="' + api.escape(h.name) + '">' + link('host', h.name, 'vms', 'host=' + h.id) + '</li>').join('');
            const pools = (inventory.pools ?? []).filter(p => p.clusterId === cluster.id)
                .map(p => '<li>' + link('pool', p.name, 'pools', p.name) + '</li>').join('');
            return '<li>' + link('cluster', cluster.name, 'hosts', 'cluster=' + cluster.id) + '<ul>' + hosts
                + '<li>' + link('', 'VMs', 'vms', 'cluster=' + cluster.id) + '</li>' + pools + '</ul></li>';
        }).join('');
        const domains = inventory.storage.filter(s => s.dataCenterId === dc.id)
            .map(s => '<li>' + link('storage', s.name, 'disks', s.name) + '</li>').join('');
        return '<li>' + link('data center', dc.name, 'hosts') + '<ul>' + clusters + domains + '</ul></li>';
    }).join('');
    $('tree').innerHTML = '<ul>' + dataCenters + '<li>' + link('', 'All disks', 'disks') + '</li></ul>';
}

function show(nextView, search) {
    view = nextView;
    vmPage = 1;
    $('search').value = search;
    document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.view === view));
    document.querySelectorAll('#view .toolbar button[data-for]').forEach(b => b.hidden = b.dataset.for !== view);
    $('search').hidden = view === 'load' || view === 'events';
    $('search-hint').textContent = {
        vms: 'a name, or an expression such as status=up and memory>256',
        hosts: 'a name, or an expression such as status=up',
    }[view] ?? '';
    render();
}

/** A name typed alone searches by name prefix; anything with an operator goes to the API as it is. */
function searchExpression() {
    const text = $('search').value.trim();
    if (!text) {
        return '';
    }
    return /[=<>]/.test(text) ? text : 'name=' + text.replace(/\s+/g, '') + '*';
}

async function render() {
    try {
        const html = await ({hosts: hostsTable, vms: vmsTable, pools: poolsTable, storage: storageTable, disks: disksTable,
            networks: networksView,
            load: () => loadView(load), events: eventsTable})[view]();
        $('content').innerHTML = html;
    } catch (e) {
        $('content').innerHTML = '';
        api.showError($('error'), e);
    }
}

const nameOf = (list, id) => list.find(item => item.id === id)?.name ?? '';
const status = s => '<span class="status ' + api.escape(String(s).toLowerCase()) + '">' + api.escape(api.statusText(s)) + '</span>';
const table = (headers, rows, id) => '<table id="' + id + '"><thead><tr>' + headers.map(h => '<th>' + h + '</th>').join('')
    + '</tr></thead><tbody>' + rows.join('') + '</tbody></table>' + (rows.length ? '' : '<p class="muted">Nothing here.</p>');
const buttons = list => '<td class="actions">' + list.map(([action, label]) => '<button data-action="' + action + '">'
    + label + '</button>').join('') + '</td>';
const filtered = list => {
    const text = $('search').value.trim().toLowerCase();
    return text ? list.filter(item => JSON.stringify(item).toLowerCase().includes(text)) : list;
};
const gib = kib => (kib / 1048576).toFixed(1) + ' GiB';

async function hostsTable() {
    const search = searchExpression();
    inventory.hosts = search ? inventory.hosts : await api.get('/api/hosts?max=10000');
    const hosts = search ? await api.get('/api/hosts?max=10000&search=' + encodeURIComponent(search)) : inventory.hosts;
    return table(['Name', 'Address', 'Cluster', 'Status', 'CPU load', 'Memory used', 'VMs'], hosts.map(h =>
        '<tr data-id="' + api.escape(h.id) + '"><td>' + api.escape(h.name) + '</td><td>' + api.escape(h.address) + '</td><td>'
        + api.escape(nameOf(inventory.clusters, h.clusterId)) + '</td><td' + (h.statusDetail ? ' title="' + api.escape(h.statusDetail) + '"' : '') + '>'
        + status(h.status) + (h.statusDetail ? '<br><small>' + api.escape(h.statusDetail) + '</small>' : '') + '</td><td>'
        + Math.round(h.cpuLoadPercent) + ' %</td><td>' + gib(h.memoryTotalKib - h.memoryFreeKib) + ' of '
        + gib(h.memoryTotalKib) + '</td><td>' + h.runningVms + '</td></tr>'), 'hosts-table');
}

async function vmsTable() {
    const search = searchExpression();
    const vms = await api.get('/api/vms?max=' + VM_PAGE + '&page=' + vmPage + (search ? '&search=' + encodeURIComponent(search) : ''));
    const rows = vms.map(vm => '<tr data-id="' + api.escape(vm.id) + '" data-name="' + api.escape(vm.name) + '"><td>'
        + api.escape(vm.name) + '</td><td>' + status(vm.status) + '</td><td>' + api.escape(nameOf(inventory.hosts, vm.hostId))
        + '</td><td>' + api.escape(nameOf(inventory.clusters, vm.clusterId)) + '</td><td>' + vm.vcpus + '</td><td>'
        + vm.memoryMib + ' MiB</td>' + buttons(vmActions(vm)) + '</tr>');
    const pager = vmPage > 1 || vms.length === VM_PAGE ? '<div class="pager"><button data-action="page" data-step="-1"'
        + (vmPage === 1 ? ' disabled' : '') + '>Previous</button>page ' + vmPage + '<button data-action="page" data-step="1"'
        + (vms.length < VM_PAGE ? ' disabled' : '') + '>Next</button></div>' : '';
    return table(['Name', 'Status', 'Host', 'Cluster', 'CPUs', 'Memory', ''], rows, 'vms-table') + pager;
}

function vmActions(vm) {
    switch (vm.status) {
        case 'DOWN': return [['start', 'Start'], ['add-nic', 'Add NIC'], ['delete', 'Remove']];
        case 'UP': return [['console', 'Console'], ['shutdown', 'Shut down'], ['stop', 'Power off'], ['migrate', 'Migrate'],
            ['reboot', 'Reboot'], ['suspend', 'Suspend'], ['add-nic', 'Add NIC']];
        case 'PAUSED': return [['resume', 'Resume'], ['stop', 'Power off']];
        default: return [['stop', 'Power off']];
    }
}

async function poolsTable() {
    if (inventory.pools === null) {
        return '<p class="muted">This engine has no desktop pools.</p>';
    }
    inventory.pools = await api.get('/api/vmpools?max=10000');
    renderTree();
    return table(['Name', 'Description', 'Cluster', 'Type', 'Desktops', 'Kept running', 'Per user', 'Free', ''],
        filtered(inventory.pools).map(p => '<tr data-id="' + api.escape(p.id) + '" data-name="' + api.escape(p.name) + '"><td>'
            + api.escape(p.name) + '</td><td>' + api.escape(p.description) + '</td><td>'
            + api.escape(nameOf(inventory.clusters, p.clusterId)) + '</td><td>' + api.escape(p.type) + '</td><td>' + p.size
            + '</td><td>' + p.prestarted + '</td><td>' + p.maxDesktopsPerUser + '</td><td>' + (p.free ?? '') + '</td>'
            + buttons([['delete-pool', 'Remove']]) + '</tr>'), 'pools-table');
}

async function storageTable() {
    inventory.storage = await api.get('/api/storagedomains?max=10000');
    return table(['Name', 'Data center', 'Type', 'Path'], filtered(inventory.storage).map(s => '<tr><td>' + api.escape(s.name)
        + '</td><td>' + api.escape(nameOf(inventory.dataCenters, s.dataCenterId)) + '</td><td>' + api.escape(s.type)
        + '</td><td>' + api.escape(s.path) + '</td></tr>'), 'storage-table');
}

async function disksTable() {
    inventory.disks = await api.get('/api/disks?max=10000');
    return table(['Name', 'Storage domain', 'Size', 'Format', 'Status', 'VM'], filtered(inventory.disks).map(d =>
        '<tr><td>' + api.escape(d.name) + '</td><td>' + api.escape(nameOf(inventory.storage, d.storageDomainId)) + '</td><td>'
        + (d.sizeBytes / 1073741824).toFixed(2) + ' GiB</td><td>' + api.escape(d.format) + '</td><td>' + status(d.status)
        + '</td><td>' + api.escape(d.vmId ?? '') + '</td></tr>'), 'disks-table');
}

/** Logical networks, then the built-in provider's networks, subnets, routers (with the subnets they join), ports and floating IPs. */
async function networksView() {
    const [logical, networks, subnets, routers, ports, floatingIps, vms] = await Promise.all([
        api.get('/api/networks?max=10000'), api.get(NEUTRON + '/networks'), api.get(NEUTRON + '/subnets'),
        api.get(NEUTRON + '/routers'), api.get(NEUTRON + '/ports'), api.get(NEUTRON + '/floatingips'),
        api.get('/api/vms?max=10000')]);
    Object.assign(provider, {networks: networks.networks, subnets: subnets.subnets, routers: routers.routers, ports: ports.ports,
        floatingIps: floatingIps.floatingips});
    const addresses = port => port.fixed_ips.map(ip => ip.ip_address).join(', ');
    // a VM NIC's port names its VM by id (device_id)
    const owner = port => port.device_owner.startsWith('compute:') ? 'VM ' + (nameOf(vms, port.device_id) || port.device_id)
        : port.device_owner.replace(/^network:/, '');
    provider.vmPorts = provider.ports.filter(p => p.device_owner.startsWith('compute:'))
        .map(p => ({id: p.id, name: owner(p) + (p.name ? ' ' + p.name : '') + ' (' + addresses(p) + ')'}));
    const interfaces = router => provider.ports.filter(p => p.device_owner === 'network:router_interface' && p.device_id === router.id)
        .flatMap(p => p.fixed_ips.map(ip => nameOf(provider.subnets, ip.subnet_id) + ' ' + ip.ip_address)).join(', ');
    const row = (item, cells, actions) => '<tr data-id="' + api.escape(item.id) + '" data-name="' + api.escape(item.name ?? '')
        + '">' + cells.map(c => '<td>' + api.escape(c) + '</td>').join('') + (actions ? buttons(actions) : '') + '</tr>';
    return '<h3>Logical networks</h3>' + table(['Name', 'Data center', 'VLAN', 'Host NIC', 'MTU', 'Bridge'],
            filtered(logical).map(n => row(n, [n.name, nameOf(inventory.dataCenters, n.dataCenterId), n.vlanId ?? 'untagged',
                n.hostNic, n.mtu, n.bridge])), 'networks-table')
        + '<h3>Provider networks</h3>' + table(['Name', 'Type', 'Segment', 'External', 'MTU', 'Subnets', 'Status'],
            filtered(provider.networks).map(n => row(n, [n.name, n['provider:network_type'] ?? '', n['provider:segmentation_id'] ?? '',
                n['router:external'] ? 'yes' : 'no', n.mtu, n.subnets.map(id => nameOf(provider.subnets, id)).join(', '),
                api.statusText(n.status)])), 'overlays-table')
        + '<h3>Subnets</h3>' + table(['Name', 'Network', 'CIDR', 'Gateway', 'Pools', 'DNS'],
            filtered(provider.subnets).map(s => row(s, [s.name, nameOf(provider.networks, s.network_id), s.cidr, s.gateway_ip ?? 'none',
                s.allocation_pools.map(p => p.start + '-' + p.end).join(', '), s.dns_nameservers.join(', ')])), 'subnets-table')
        + '<h3>Routers</h3>' + table(['Name', 'External gateway', 'Subnets', 'Status', ''],
            filtered(provider.routers).map(r => row(r, [r.name, r.external_gateway_info
                ? nameOf(provider.networks, r.external_gateway_info.network_id) : 'none', interfaces(r), api.statusText(r.status)],
                [['router-add-subnet', 'Add subnet']])), 'routers-table')
        + '<h3>Floating IPs</h3>' + table(['Address', 'Reaches', 'Fixed address', 'Status', ''],
            filtered(provider.floatingIps).map(f => row({id: f.id, name: f.floating_ip_address}, [f.floating_ip_address,
                f.port_id ? owner(provider.ports.find(p => p.id === f.port_id) ?? {device_owner: ''}) : '', f.fixed_ip_address ?? '',
                api.statusText(f.status)], f.port_id ? [['floating-ip-detach', 'Detach']] : [['floating-ip-attach', 'Attach to a VM']])),
            'floatingips-table')
        + '<h3>Ports</h3>' + table(['Name', 'Network', 'MAC', 'Addresses', 'Owner', 'Status'],
            filtered(provider.ports).map(p => row(p, [p.name, nameOf(provider.networks, p.network_id), p.mac_address, addresses(p),
                owner(p), api.statusText(p.status)])), 'ports-table');
}

function eventsTable() {
    return table(['Time', 'Severity', 'Event', 'Message'], events.shown.map(eventRow), 'events-list');
}

function eventRow(e) {
    return '<tr><td>' + api.escape(new Date(e.time).toLocaleTimeString()) + '</td><td class="severity-' + api.escape(e.severity)
        + '">' + api.escape(e.severity) + '</td><td>' + api.escape(e.code) + '</td><td>' + api.escape(e.message) + '</td></tr>';
}

/** Reads the event log from where it left off; new events go on top of the Events view as they come. */
async function pollEvents() {
    if (events.reading) {
        return; // the previous read is still on its way: one reader, so no event is shown twice
    }
    events.reading = true;
    try {
        let batch;
        if (!events.started) {
            // the newest events only: a long log is not read from its beginning
            batch = await api.get('/api/events?last=' + EVENTS_KEPT);
            events.started = true;
            if (batch.length) {
                events.next = batch[batch.length - 1].index + 1;
                events.shown = batch.slice().reverse();
            }
        }
        do {
            batch = await api.get('/api/events?from=' + events.next + '&max=1000');
            if (batch.length) {
                events.next = batch[batch.length - 1].index + 1;
                events.shown = batch.slice().reverse().concat(events.shown).slice(0, EVENTS_KEPT);
                if (view === 'events') {
                    $('content').innerHTML = eventsTable();
                }
            }
        } while (batch.length === 1000);
    } catch (e) {
        api.showError($('error'), e);
    } finally {
        events.reading = false;
    }
}

async function sampleLoad() {
    if (sampling) {
        return;
    }
    sampling = true;
    try {
        const [hosts, vms] = await Promise.all([api.get('/api/hosts?max=10000'),
            api.get('/api/vms?max=10000&search=' + encodeURIComponent('status=up or status=migrating_from'))]);
        load.addHosts(hosts);
        load.addVms(vms);
        if (view === 'load') {
            $('content').innerHTML = loadView(load);
        }
    } catch (e) {
        // a missed sample is a gap in the chart, not an error worth a banner
    } finally {
        sampling = false;
    }
}

async function onAction(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) {
        return;
    }
    const row = button.closest('tr');
    const action = button.dataset.action;
    api.clearError($('error'));
    if (action === 'page') {
        vmPage = Math.max(1, vmPage + Number(button.dataset.step));
        return render();
    }
    if (action === 'console') {
        return window.open(api.consoleUrl(row.dataset.id), '_blank');
    }
    if (action === 'migrate') {
        return openMigrate(await api.get('/api/vms/' + row.dataset.id), inventory, afterChange);
    }
    if (action === 'add-nic') {
        return openAddNic({id: row.dataset.id, name: row.dataset.name}, afterChange);
    }
    if (action === 'router-add-subnet') {
        return openAddRouterSubnet(provider.routers.find(r => r.id === row.dataset.id), provider.subnets, afterChange);
    }
    if (action === 'floating-ip-attach') {
        return openAttachFloatingIp(provider.floatingIps.find(f => f.id === row.dataset.id), provider.vmPorts, afterChange);
    }
    button.disabled = true;
    try {
        if (action === 'delete') {
            await api.remove('/api/vms/' + row.dataset.id);
        } else if (action === 'delete-pool') {
            await api.remove('/api/vmpools/' + row.dataset.id);
        } else if (action === 'floating-ip-detach') {
            await api.put(NEUTRON + '/floatingips/' + row.dataset.id, {floatingip: {port_id: null}});
        } else {
            notice(row.dataset.name + ': ' + action + '…');
            await api.awaitJob(await api.post('/api/vms/' + row.dataset.id + '/' + action));
        }
        notice('');
    } catch (e) {
        notice('');
        api.showError($('error'), e);
    }
    await afterChange();
}

async function afterChange(message) {
    notice(message || '');
    await loadInventory();
    await render();
}

function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
}

function debounce(action, ms) {
    let timer;
    return () => {
        clearTimeout(timer);
        timer = setTimeout(action, ms);
    };
}
