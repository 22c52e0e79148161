// Host and VM load, sampled by this page from the stats fields the API already has, drawn as small
// SVG line charts. Host CPU is the host's own load figure; a VM's CPU is how much of its vCPUs' time
// it used between two samples (cpuTimeNanos over the time between statsUpdatedAt of both).
import {escape} from '/common/api.js';

export const SAMPLES_KEPT = 90;

export class LoadHistory {
    constructor() {
        this.hosts = new Map(); // id -> {name, cpu: [], memory: []}
        this.vms = new Map();   // id -> {name, cpu: [], last: {cpuTimeNanos, at}}
    }

    addHosts(hosts) {
        for (const host of hosts) {
            const entry = this.hosts.get(host.id) ?? {cpu: [], memory: []};
            entry.name = host.name;
            entry.status = host.status;
            push(entry.cpu, host.cpuLoadPercent);
            const total = host.memoryTotalKib;
            push(entry.memory, total > 0 ? 100 * (total - host.memoryFreeKib) / total : 0);
            this.hosts.set(host.id, entry);
        }
    }

    addVms(vms) {
        const seen = new Set();
        for (const vm of vms) {
            seen.add(vm.id);
            const entry = this.vms.get(vm.id) ?? {cpu: [], last: null};
            entry.name = vm.name;
            const at = vm.statsUpdatedAt ? Date.parse(vm.statsUpdatedAt) : null;
            if (at !== null && entry.last && at > entry.last.at) {
                const usedNanos = vm.cpuTimeNanos - entry.last.cpuTimeNanos;
                const percent = 100 * usedNanos / ((at - entry.last.at) * 1e6 * Math.max(1, vm.vcpus));
                push(entry.cpu, Math.min(100, Math.max(0, percent)));
            }
            if (at !== null) {
                entry.last = {cpuTimeNanos: vm.cpuTimeNanos, at};
            }
            this.vms.set(vm.id, entry);
        }
        for (const id of [...this.vms.keys()]) {
            if (!seen.has(id)) {
                this.vms.delete(id); // no longer running
            }
        }
    }
}

function push(series, value) {
    series.push(Number.isFinite(value) ? value : 0);
    if (series.length > SAMPLES_KEPT) {
        series.shift();
    }
}

/** An SVG chart of one or two 0-100 % series, newest on the right. */
export function chart(title, series) {
    const width = 300;
    const height = 70;
    const lines = series.map(({values, kind}) => {
        const step = width / (SAMPLES_KEPT - 1);
        const offset = width - (values.length - 1) * step;
        const points = values.map((v, i) => (offset + i * step).toFixed(1) + ',' + (height - v / 100 * height).toFixed(1));
        return values.length > 1 ? '<polyline class="' + kind + '" points="' + points.join(' ') + '"/>' : '';
    }).join('');
    const latest = series.map(({values, kind, label}) => '<span class="' + kind + '-key">' + label + ' '
        + (values.length ? Math.round(values[values.length - 1]) + ' %' : '–') + '</span>').join(' · ');
    return '<div class="chart"><h4><span>' + escape(title) + '</span><span class="legend">' + latest + '</span></h4>'
        + '<svg viewBox="0 0 ' + width + ' ' + height + '" preserveAspectRatio="none" role="img" aria-label="'
        + escape(title) + ' load">'
        + '<line class="grid" x1="0" y1="' + height / 2 + '" x2="' + width + '" y2="' + height / 2 + '"/>'
        + lines + '</svg></div>';
}

export function loadView(history) {
    const hosts = [...history.hosts.values()].map(h => chart(h.name, [
        {values: h.cpu, kind: 'cpu', label: 'CPU'}, {values: h.memory, kind: 'memory', label: 'memory'}])).join('');
    const vms = [...history.vms.values()].map(v => chart(v.name, [{values: v.cpu, kind: 'cpu', label: 'CPU'}])).join('');
    return '<h3>Hosts</h3><div class="charts" id="host-charts">' + (hosts || '<p class="muted">No hosts.</p>') + '</div>'
        + '<h3>Running VMs</h3><div class="charts" id="vm-charts">' + (vms || '<p class="muted">No VM is running.</p>')
        + '</div><p class="muted">Sampled every 2 s while this page is open; the last ' + SAMPLES_KEPT + ' samples.</p>';
}
