-- The P2P-CI index as the shared store keeps it in PostgreSQL, for several ci-server instances at once (version 1,
-- applied by Flyway). Any instance may serve any request: every LOOKUP and LIST reads these tables.
--
-- Each row hangs from the one above it with ON DELETE CASCADE, so that one DELETE of an instance takes its peers
-- and their records with it in one transaction: what a surviving instance does once a dead one's lease has
-- expired, and what an instance does to its own earlier run when it starts.

-- One row per running ci-server instance, holding a lease that it renews; an instance whose lease has expired is
-- dead to the others, who delete it.
CREATE TABLE server_instance (
    id          BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        VARCHAR(255)  NOT NULL,  -- --instance-name, by default host/bind-address:port
    started_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    lease_until TIMESTAMPTZ   NOT NULL   -- the database's clock, so that the instances' clocks never matter
);
CREATE INDEX server_instance_name ON server_instance (name);
CREATE INDEX server_instance_lease ON server_instance (lease_until);

-- One row per registered peer, that is, per live connection (on some instance) that has sent its first request.
CREATE TABLE peer (
    id             BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id    BIGINT        NOT NULL REFERENCES server_instance (id) ON DELETE CASCADE,
    registration   BIGINT        NOT NULL,  -- the instance's own number for it, so that a retried INSERT is one row
    host           VARCHAR(255)  NOT NULL,  -- WireText.MAX_HOST_CHARS
    port           INT           NOT NULL,
    source_address VARCHAR(64)   NOT NULL,
    -- host:port is not unique: two live connections may claim one endpoint, and a claim never displaces another
    -- (docs/PROTOCOL.md, "Server rules").
    UNIQUE (instance_id, registration)
);
CREATE INDEX peer_endpoint ON peer (host, port);

-- One row per RFC a peer holds; its id is the registration order that LOOKUP and LIST answer in.
CREATE TABLE rfc_record (
    id         BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    peer_id    BIGINT        NOT NULL REFERENCES peer (id) ON DELETE CASCADE,
    rfc_number INT           NOT NULL,
    title      VARCHAR(512)  NOT NULL,  -- WireText.MAX_TITLE_CHARS
    UNIQUE (peer_id, rfc_number)        -- also the index that finds a peer's records when it goes
);
CREATE INDEX rfc_record_lookup ON rfc_record (rfc_number, id);
