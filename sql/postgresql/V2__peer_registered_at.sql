-- When each peer registered, for the dashboard's peers table (version 2), in the database's clock like the leases,
-- so that the instances' clocks never matter. The database gives it, so the insert on the registration path is
-- unchanged.
ALTER TABLE peer ADD COLUMN registered_at TIMESTAMPTZ NOT NULL DEFAULT now();
