/**
 * The store seam: {@link net.p2pci.server.store.IndexStore}, which the index side uses and two implementations
 * provide: {@code embedded} (H2 in the process, the default, for one server) and {@code shared} (PostgreSQL, for
 * several server instances that share one index).
 */
package net.p2pci.server.store;
