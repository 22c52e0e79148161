-- Boot files (issue 9): a VM boots a kernel and initrd only from a storage domain's boot-files
-- directory (<domain path>/boot-files/, filled by an administrator), known to the engine as rows
-- a scan of the directory keeps (POST /api/storagedomains/{id}/bootfiles/scan), and referred to
-- by id. Users never give host paths again.
CREATE TABLE boot_files (
    id                  UUID PRIMARY KEY,
    storage_domain_id   UUID NOT NULL REFERENCES storage_domains (id),
    name                TEXT NOT NULL,
    size_bytes          BIGINT NOT NULL,
    -- the last scan did not find it, but a VM still refers to it (so its row stays)
    missing             BOOLEAN NOT NULL DEFAULT FALSE,
    seen_at             TIMESTAMPTZ NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (storage_domain_id, name)
);

ALTER TABLE vms ADD COLUMN kernel_file_id UUID REFERENCES boot_files (id);
ALTER TABLE vms ADD COLUMN initrd_file_id UUID REFERENCES boot_files (id);
CREATE INDEX vms_kernel_file ON vms (kernel_file_id) WHERE kernel_file_id IS NOT NULL;
CREATE INDEX vms_initrd_file ON vms (initrd_file_id) WHERE initrd_file_id IS NOT NULL;

-- VMs made before this booted a kernel from any host path a user gave (which let a user read any
-- file of the host, such as the engine's CA key, into a guest). Those paths are not trusted, so
-- they are not carried over: each such VM loses its kernel boot (kernel, initrd and command line)
-- and boots from its disks, if it has any. The event log says so per VM, with the old paths, so an
-- administrator can put the files into a boot-files directory and make the VM again.
INSERT INTO events (severity, code, message, vm_id)
SELECT 'WARNING', 'VM_KERNEL_BOOT_REMOVED',
       'VM ' || name || ' booted the host path ' || kernel
           || COALESCE(' with initrd ' || initrd, '') || COALESCE(' and command line ''' || cmdline || '''', '')
           || '; host paths are no longer allowed, so the VM now boots from its disks (if it has any). '
           || 'Copy the files into a storage domain''s boot-files directory, scan it, and create the VM with their ids',
       id
FROM vms WHERE kernel IS NOT NULL;

UPDATE vms SET cmdline = NULL WHERE kernel IS NOT NULL;
ALTER TABLE vms DROP COLUMN kernel;
ALTER TABLE vms DROP COLUMN initrd;
