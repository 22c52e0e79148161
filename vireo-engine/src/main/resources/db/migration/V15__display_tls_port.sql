-- The TLS port of a VM's SPICE display (spice_tls; defaultMode='secure' leaves it no plain port).
ALTER TABLE vms ADD COLUMN display_tls_port INT;
