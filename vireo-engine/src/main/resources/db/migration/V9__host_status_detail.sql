-- Why a host is in its status, in a sentence (NonOperational: libvirt on the host does not answer); null when nothing to add.
ALTER TABLE hosts ADD COLUMN status_detail TEXT;
