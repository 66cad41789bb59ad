-- When each peer registered, for the dashboard's peers table (version 2). The database gives it, so the insert on
-- the registration path is unchanged.
ALTER TABLE peer ADD COLUMN registered_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL;
