-- When the VM's statistics (cpu_time_nanos) were last reported by its host.
ALTER TABLE vms ADD COLUMN stats_updated_at TIMESTAMPTZ;
