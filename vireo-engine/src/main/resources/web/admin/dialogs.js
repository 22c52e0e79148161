// The admin portal's forms: new VM, new desktop pool, migrate, and the network provider's router,
// router subnet, floating IP and its attachment. Each stays open with the API's
// sentence when the engine refuses, and closes once the change is made.
import * as api from '/common/api.js';

const $ = id => document.getElementById(id);

const options = (list, selected) => list.map(item => '<option value="' + api.escape(item.id) + '"'
    + (item.id === selected ? ' selected' : '') + '>' + api.escape(item.name) + '</option>').join('');

export async function openCreateVm(inventory, afterChange) {
    $('vm-cluster').innerHTML = options(inventory.clusters);
    $('vm-disks').innerHTML = options(inventory.disks.filter(d => !d.vmId && d.status === 'OK'));
    // kernels and initrds are boot files of a storage domain (chosen by id), never paths typed in
    const bootFiles = (await api.get('/api/bootfiles?max=10000')).filter(f => !f.missing).map(f => ({
        id: f.id, name: f.name + ' (' + (inventory.storage.find(s => s.id === f.storageDomainId)?.name ?? 'storage') + ')'}));
    $('vm-kernel').innerHTML = '<option value="">None: boot the first disk</option>' + options(bootFiles);
    $('vm-initrd').innerHTML = '<option value="">None</option>' + options(bootFiles);
    run($('vm-dialog'), async form => {
        const body = {
            name: form.name.value.trim(),
            clusterId: form.clusterId.value,
            vcpus: Number(form.vcpus.value),
            memoryMib: Number(form.memoryMib.value),
            diskIds: [...form.diskIds.selectedOptions].map(o => o.value),
            graphics: form.graphics.value,
        };
        for (const field of ['kernelFileId', 'initrdFileId', 'cmdline']) {
            if (form[field].value.trim()) {
                body[field] = form[field].value.trim();
            }
        }
        const vm = await api.post('/api/vms', body);
        if (form.start.checked) {
            const job = await api.post('/api/vms/' + vm.id + '/start');
            // the job goes on in the engine; the table shows it powering up
            afterChange('VM ' + vm.name + ' was created and is starting (job ' + job.id + ').');
        } else {
            afterChange('VM ' + vm.name + ' was created.');
        }
    });
}

export async function openCreatePool(inventory, afterChange) {
    $('pool-cluster').innerHTML = options(inventory.clusters);
    const vms = await api.get('/api/vms?max=10000&search=' + encodeURIComponent('status=down'));
    $('pool-template').innerHTML = options(vms.filter(vm => !vm.poolId));
    run($('pool-dialog'), async form => {
        const pool = await api.post('/api/vmpools', {
            name: form.name.value.trim(),
            description: form.description.value.trim(),
            clusterId: form.clusterId.value,
            templateVmId: form.templateVmId.value,
            type: form.type.value,
            size: Number(form.size.value),
            prestarted: Number(form.prestarted.value),
            maxDesktopsPerUser: Number(form.maxDesktopsPerUser.value),
        });
        afterChange('Pool ' + pool.name + ' was created.');
    });
}

export function openMigrate(vm, inventory, afterChange) {
    $('migrate-vm').textContent = vm.name;
    const candidates = inventory.hosts.filter(h => h.clusterId === vm.clusterId && h.id !== vm.hostId && h.status === 'UP');
    $('migrate-host').innerHTML = '<option value="">Let the scheduler choose</option>' + options(candidates);
    run($('migrate-dialog'), async form => {
        const job = await api.post('/api/vms/' + vm.id + '/migrate', form.hostId.value ? {hostId: form.hostId.value} : undefined);
        afterChange('VM ' + vm.name + ' is migrating (job ' + job.id + ').');
    });
}

/** The built-in network provider's API (Neutron v2.0): it takes the portal's token. */
export const NEUTRON = '/networking/v2.0';

export function openCreateRouter(networks, afterChange) {
    $('router-external').innerHTML = '<option value="">None</option>' + options(networks.filter(n => n['router:external']));
    run($('router-dialog'), async form => {
        const router = {name: form.name.value.trim()};
        if (form.external.value) {
            router.external_gateway_info = {network_id: form.external.value};
        }
        const made = (await api.post(NEUTRON + '/routers', {router})).router;
        afterChange('Router ' + made.name + ' was created.');
    });
}

export function openAddRouterSubnet(router, subnets, afterChange) {
    $('router-subnet-router').textContent = router.name;
    $('router-subnet').innerHTML = options(subnets.map(s => ({id: s.id, name: s.name + ' (' + s.cidr + ')'})));
    run($('router-subnet-dialog'), async form => {
        await api.put(NEUTRON + '/routers/' + router.id + '/add_router_interface', {subnet_id: form.subnetId.value});
        afterChange('Router ' + router.name + ' has an interface on ' + form.subnetId.selectedOptions[0].textContent + '.');
    });
}

export function openCreateFloatingIp(networks, afterChange) {
    $('floating-ip-network').innerHTML = options(networks.filter(n => n['router:external']));
    run($('floating-ip-dialog'), async form => {
        const made = (await api.post(NEUTRON + '/floatingips', {floatingip: {floating_network_id: form.networkId.value}})).floatingip;
        afterChange('Floating IP ' + made.floating_ip_address + ' was created.');
    });
}

/** @param vmPorts [{id: port id, name: "VM nic (fixed address)"}] */
export function openAttachFloatingIp(floatingIp, vmPorts, afterChange) {
    $('attach-ip-address').textContent = floatingIp.floating_ip_address;
    $('attach-ip-port').innerHTML = options(vmPorts);
    run($('attach-ip-dialog'), async form => {
        await api.put(NEUTRON + '/floatingips/' + floatingIp.id, {floatingip: {port_id: form.portId.value}});
        afterChange(floatingIp.floating_ip_address + ' now reaches ' + form.portId.selectedOptions[0].textContent + '.');
    });
}

/** A NIC on a logical network (hot-plugged into an Up VM) or on a network of the built-in provider. */
export async function openAddNic(vm, afterChange) {
    const [logical, provider] = await Promise.all([api.get('/api/networks?max=10000'), api.get(NEUTRON + '/networks')]);
    $('nic-vm').textContent = vm.name;
    $('nic-network').innerHTML = options(logical.map(n => ({id: n.id, name: n.name + ' (logical)'})))
        + options(provider.networks.filter(n => !n['router:external']).map(n => ({id: n.id, name: n.name + ' (provider)'})));
    run($('nic-dialog'), async form => {
        const nic = await api.post('/api/vms/' + vm.id + '/nics', {name: form.name.value.trim(), networkId: form.networkId.value});
        afterChange('VM ' + vm.name + ' has a NIC ' + nic.name + ' (' + nic.mac + ').');
    });
}

/** Shows the dialog; on submit runs submit(form), keeping the dialog open with the refusal if it fails. */
function run(dialog, submit) {
    const form = dialog.querySelector('form');
    const error = dialog.querySelector('.error');
    api.clearError(error);
    form.onsubmit = async event => {
        if (event.submitter?.value === 'cancel') {
            return; // method=dialog closes it
        }
        event.preventDefault();
        const button = event.submitter;
        button.disabled = true;
        api.clearError(error);
        try {
            await submit(form);
            dialog.close();
        } catch (e) {
            api.showError(error, e);
        } finally {
            button.disabled = false;
        }
    };
    dialog.showModal();
}
