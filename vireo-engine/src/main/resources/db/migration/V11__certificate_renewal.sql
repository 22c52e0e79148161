-- An agent renews its certificate over its link: until it has connected with the new one, the
-- engine still accepts the certificate it connected with when it asked.
ALTER TABLE hosts ADD COLUMN previous_certificate_serial TEXT;
