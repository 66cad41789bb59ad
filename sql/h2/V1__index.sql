-- The P2P-CI index as the embedded store keeps it in H2, for one ci-server (version 1, applied by Flyway).
--
-- The protocol says the index is empty whenever the server starts: the embedded store deletes every row at start,
-- after applying this file the first time a database is used. The shared store's schema, for several servers on
-- PostgreSQL, is in ../postgresql/.

-- One row per registered peer, that is, per live connection that has sent its first request.
CREATE TABLE peer (
    id             BIGINT        NOT NULL PRIMARY KEY,  -- given by the store, in registration order
    host           VARCHAR(255)  NOT NULL,              -- the host the peer is reached at (WireText.MAX_HOST_CHARS)
    port           INT           NOT NULL,              -- the peer's upload port
    source_address VARCHAR(64)   NOT NULL               -- the connection's remote IP address
    -- host:port is not unique: two live connections may claim one endpoint, and a claim never displaces another
    -- (docs/PROTOCOL.md, "Server rules").
);

-- One row per RFC a peer holds. The table has its primary key and nothing else: every other index and constraint
-- is another B-tree to write on every ADD, and the embedded store has each of their answers in memory already. It
-- finds a record by its seq (the one it gave it), keeps one record per peer and RFC, and deletes a peer's records
-- in the transaction that deletes the peer, naming them by seq; IndexStoreMirrorTest holds it to all three.
CREATE TABLE rfc_record (
    seq        BIGINT        NOT NULL PRIMARY KEY,  -- registration order, for stable listings; given by the store
    rfc_number INT           NOT NULL,
    title      VARCHAR(512)  NOT NULL,              -- WireText.MAX_TITLE_CHARS
    peer_id    BIGINT        NOT NULL               -- the holder: peer.id
);
