-- What an OpenStack token was issued for (the identity package's project: the id of the user itself or of one
-- of its groups); null for Vireo's own tokens and for unscoped OpenStack ones. The auth package stores it and
-- answers it with the token; it means nothing to auth itself.
ALTER TABLE access_tokens ADD COLUMN scope_id UUID;
